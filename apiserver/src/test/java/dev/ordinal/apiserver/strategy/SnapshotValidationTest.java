package dev.ordinal.apiserver.strategy;

import static dev.ordinal.apiserver.strategy.StrategiesTest.messages;
import static dev.ordinal.apiserver.strategy.StrategiesTest.obj;
import static dev.ordinal.apiserver.strategy.StrategiesTest.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** snapshot.storage.k8s.io/v1's checks (upstream's CRD rules) and claims' data sources. */
class SnapshotValidationTest {
  static final String G = "snapshot.storage.k8s.io";

  static Stream<Arguments> creates() {
    return Stream.of(
        Arguments.of("volumesnapshots", "{'spec':{'source':{'persistentVolumeClaimName':'data'}}}", List.of()),
        Arguments.of("volumesnapshots", "{'spec':{'source':{'volumeSnapshotContentName':'c'},'volumeSnapshotClassName':'x'}}", List.of()),
        Arguments.of("volumesnapshots", "{'spec':{}}", List.of("spec.source: Required value")),
        Arguments.of("volumesnapshots", "{'spec':{'source':{}}}",
            List.of("spec.source: Invalid value: \"\": exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set")),
        Arguments.of("volumesnapshots", "{'spec':{'source':{'persistentVolumeClaimName':'a','volumeSnapshotContentName':'b'}}}",
            List.of("spec.source: Invalid value: \"\": exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set")),
        Arguments.of("volumesnapshots", "{'spec':{'source':{'persistentVolumeClaimName':'a'},'volumeSnapshotClassName':''}}",
            List.of("spec.volumeSnapshotClassName: Invalid value: \"\": volumeSnapshotClassName must not be the empty string when set")),
        Arguments.of("volumesnapshotclasses", "{'driver':'d','deletionPolicy':'Retain'}", List.of()),
        Arguments.of("volumesnapshotclasses", "{'deletionPolicy':'Keep'}",
            List.of("driver: Required value", "deletionPolicy: Unsupported value: \"Keep\": supported values: \"Delete\", \"Retain\"")),
        Arguments.of("volumesnapshotcontents", "{'spec':{'driver':'d','deletionPolicy':'Delete','source':{'snapshotHandle':'h'},"
            + "'volumeSnapshotRef':{'name':'s','namespace':'n'}}}", List.of()),
        Arguments.of("volumesnapshotcontents", "{'spec':{'driver':'d','deletionPolicy':'Delete','source':{'snapshotHandle':'h',"
            + "'volumeHandle':'v'},'volumeSnapshotRef':{'name':'s'}}}",
            List.of("spec.source: Invalid value: \"\": exactly one of volumeHandle and snapshotHandle must be set",
                "spec.volumeSnapshotRef: Invalid value: \"\": both spec.volumeSnapshotRef.name and spec.volumeSnapshotRef.namespace must be set")),
        Arguments.of("volumesnapshotcontents", "{'spec':{}}",
            List.of("spec.driver: Required value", "spec.deletionPolicy: Required value", "spec.source: Required value",
                "spec.volumeSnapshotRef: Required value")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("creates")
  void validatesCreates(String plural, String json, List<String> errors) {
    assertThat(messages(Strategies.forType(type(G, plural)).validateCreate(obj(json)))).containsExactlyElementsOf(errors);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("updates")
  void validatesUpdates(String name, String plural, String old, String now, List<String> errors) {
    assertThat(messages(Strategies.forType(type(G, plural)).validateUpdate(obj(now), obj(old)))).containsExactlyElementsOf(errors);
  }

  static Stream<Arguments> updates() {
    String content = "{'spec':{'driver':'d','deletionPolicy':'Delete','source':{'volumeHandle':'%s'},"
        + "'volumeSnapshotRef':{'name':'s','namespace':'n','uid':'%s'}}}";
    return Stream.of(
        Arguments.of("a snapshot's source is immutable", "volumesnapshots", "{'spec':{'source':{'persistentVolumeClaimName':'a'}}}",
            "{'spec':{'source':{'persistentVolumeClaimName':'b'}}}", List.of("spec.source: Invalid value: \"\": persistentVolumeClaimName is immutable")),
        Arguments.of("a class's parameters are immutable", "volumesnapshotclasses", "{'driver':'d','deletionPolicy':'Delete'}",
            "{'driver':'d','deletionPolicy':'Delete','parameters':{'a':'b'}}", List.of("parameters: Invalid value: \"\": parameters are immutable")),
        Arguments.of("a class's policy may change", "volumesnapshotclasses", "{'driver':'d','deletionPolicy':'Delete'}",
            "{'driver':'d','deletionPolicy':'Retain'}", List.of()),
        Arguments.of("a content's volumeHandle is immutable", "volumesnapshotcontents", content.formatted("a", "u"),
            content.formatted("b", "u"), List.of("spec.source: Invalid value: \"\": volumeHandle is immutable")),
        Arguments.of("a content is bound once", "volumesnapshotcontents", content.formatted("a", ""), content.formatted("a", "u"), List.of()),
        Arguments.of("a bound content stays bound", "volumesnapshotcontents", content.formatted("a", "u"), content.formatted("a", "v"),
            List.of("spec.volumeSnapshotRef: Invalid value: \"\": volumeSnapshotRef.uid is immutable once set")));
  }

  static ObjectNode claim(String dataSources) {
    return obj("{'metadata':{'name':'data','namespace':'default'},'spec':{'accessModes':['ReadWriteOnce'],'volumeMode':'Filesystem',"
        + "'resources':{'requests':{'storage':'1Gi'}}" + dataSources + "}}");
  }

  static Stream<Arguments> claims() {
    String snap = "{'apiGroup':'snapshot.storage.k8s.io','kind':'VolumeSnapshot','name':'s'}";
    return Stream.of(
        Arguments.of(",'dataSource':" + snap, List.of()),
        Arguments.of(",'dataSource':{'kind':'VolumeSnapshot','name':'s'}",
            List.of("spec.dataSource.kind: Invalid value: \"VolumeSnapshot\": must be 'PersistentVolumeClaim' when referencing the default apiGroup",
                "spec.dataSourceRef.kind: Invalid value: \"VolumeSnapshot\": must be 'PersistentVolumeClaim' when referencing the default apiGroup")),
        Arguments.of(",'dataSourceRef':{'apiGroup':'snapshot.storage.k8s.io','kind':'VolumeSnapshot'}",
            List.of("spec.dataSource.name: Required value", "spec.dataSourceRef.name: Required value")),
        Arguments.of(",'dataSource':" + snap + ",'dataSourceRef':{'apiGroup':'snapshot.storage.k8s.io','kind':'VolumeSnapshot','name':'t'}",
            List.of("spec: Invalid value: \"dataSource\": must match dataSourceRef")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("claims")
  void claimsDataSourcesAreCopiedAndChecked(String dataSources, List<String> errors) {
    ResourceStrategy s = Strategies.forType(type("", "persistentvolumeclaims"));
    ObjectNode c = claim(dataSources);
    s.prepareForCreate(c);
    if (!(dataSources.contains("'dataSource'") && dataSources.contains("'dataSourceRef'"))) {
      // either one alone is copied to the other
      assertThat(c.path("spec").path("dataSource")).isEqualTo(c.path("spec").path("dataSourceRef"));
    }
    assertThat(messages(s.validateCreate(c))).containsExactlyElementsOf(errors);
  }
}
