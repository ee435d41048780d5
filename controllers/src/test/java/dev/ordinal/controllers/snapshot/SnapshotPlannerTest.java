package dev.ordinal.controllers.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.controllers.snapshot.SnapshotAction.ClaimFinalizer;
import dev.ordinal.controllers.snapshot.SnapshotAction.ContentFinalizers;
import dev.ordinal.controllers.snapshot.SnapshotAction.ContentStatus;
import dev.ordinal.controllers.snapshot.SnapshotAction.CreateContent;
import dev.ordinal.controllers.snapshot.SnapshotAction.DeleteContent;
import dev.ordinal.controllers.snapshot.SnapshotAction.DeleteData;
import dev.ordinal.controllers.snapshot.SnapshotAction.SnapshotFinalizers;
import dev.ordinal.controllers.snapshot.SnapshotAction.SnapshotStatus;
import dev.ordinal.controllers.snapshot.SnapshotAction.TakeSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SnapshotPlannerTest {
  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  static final List<String> BOTH = List.of(SnapshotPlanner.AS_SOURCE, SnapshotPlanner.BOUND);

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  static ObjectNode snapshot(String extraMeta, String status) {
    return obj("{'metadata':{'name':'snap','namespace':'d','uid':'u1'" + extraMeta + "},"
        + "'spec':{'source':{'persistentVolumeClaimName':'data'}},'status':" + status + "}");
  }

  static ObjectNode withFinalizers(ObjectNode o, List<String> f) {
    var a = ((ObjectNode) o.path("metadata")).putArray("finalizers");
    f.forEach(a::add);
    return o;
  }

  static ObjectNode ready() {
    return withFinalizers(snapshot("", "{}"), BOTH);
  }

  static ObjectNode claim(String phase, List<String> finalizers) {
    return withFinalizers(obj("{'metadata':{'name':'data','namespace':'d'},'spec':{'volumeName':'pvc-1'},'status':{'phase':'" + phase + "'}}"),
        finalizers);
  }

  static ObjectNode pv(String provisioner, String node) {
    return obj("{'metadata':{'name':'pvc-1','annotations':{'pv.kubernetes.io/provisioned-by':'" + provisioner + "'}},"
        + "'spec':{'volumeMode':'Filesystem','nodeAffinity':{'required':{'nodeSelectorTerms':[{'matchExpressions':"
        + "[{'key':'kubernetes.io/hostname','operator':'In','values':['" + node + "']}]}]}}}}");
  }

  static ObjectNode cls(String name, boolean isDefault, String driver, String policy) {
    return obj("{'metadata':{'name':'" + name + "','annotations':{'snapshot.storage.kubernetes.io/is-default-class':'" + isDefault + "'}},"
        + "'driver':'" + driver + "','deletionPolicy':'" + policy + "'}");
  }

  static ObjectNode content(String uid, String policy, String status, String extraMeta) {
    return obj("{'metadata':{'name':'snapcontent-u1'" + extraMeta + "},'spec':{'driver':'ordinal.dev/local-path','deletionPolicy':'"
        + policy + "','source':{'volumeHandle':'pvc-1'},'volumeSnapshotRef':{'name':'snap','namespace':'d','uid':'" + uid + "'}},"
        + "'status':" + status + "}");
  }

  static final String OURS = SnapshotPlanner.DRIVER;
  static final List<ObjectNode> DEFAULT_CLASS = List.of(cls("local", true, OURS, "Delete"));
  static final String TAKEN = "{'snapshotHandle':'/v/snapshots/snapcontent-u1','readyToUse':true,'restoreSize':52428800,"
      + "'creationTime':1764763200000000000}";

  static <T> Consumer<List<SnapshotAction>> has(Class<T> kind, Consumer<T> check) {
    return actions -> {
      List<T> found = actions.stream().filter(kind::isInstance).map(kind::cast).toList();
      assertThat(found).as("a %s in %s", kind.getSimpleName(), actions).hasSize(1);
      check.accept(found.get(0));
    };
  }

  static Consumer<List<SnapshotAction>> none(Class<?> kind) {
    return actions -> assertThat(actions).as("no %s", kind.getSimpleName()).noneMatch(kind::isInstance);
  }

  static Consumer<List<SnapshotAction>> nothing() {
    return actions -> assertThat(actions).isEmpty();
  }

  static Stream<Arguments> snapshots() {
    return Stream.of(
        Arguments.of("a new snapshot gets both finalizers and a content",
            new SnapshotPlanner.SnapshotView(snapshot("", "{}"), null, claim("Bound", List.of()), pv(OURS, "n"), DEFAULT_CLASS, false),
            List.of(has(SnapshotFinalizers.class, f -> assertThat(f.finalizers()).containsExactlyElementsOf(BOTH)),
                has(ClaimFinalizer.class, f -> assertThat(f.present()).isTrue()),
                has(SnapshotAction.SnapshotClassName.class, c -> assertThat(c.name()).isEqualTo("local")),
                has(CreateContent.class, c -> {
                  assertThat(c.content().path("metadata").path("name").asText()).isEqualTo("snapcontent-u1");
                  assertThat(c.content().path("spec").path("source").path("volumeHandle").asText()).isEqualTo("pvc-1");
                  assertThat(c.content().path("spec").path("deletionPolicy").asText()).isEqualTo("Delete");
                  assertThat(c.content().path("spec").path("volumeSnapshotRef").path("uid").asText()).isEqualTo("u1");
                  assertThat(c.content().path("spec").path("volumeSnapshotClassName").asText()).isEqualTo("local");
                }))),
        Arguments.of("a named class's deletion policy is the content's",
            new SnapshotPlanner.SnapshotView(named(ready(), "keep"), null, claim("Bound", List.of()), pv(OURS, "n"),
                List.of(cls("local", true, OURS, "Delete"), cls("keep", false, OURS, "Retain")), false),
            List.of(has(CreateContent.class, c -> assertThat(c.content().path("spec").path("deletionPolicy").asText()).isEqualTo("Retain")),
                none(SnapshotAction.SnapshotClassName.class))),
        Arguments.of("no default class: error, no content",
            new SnapshotPlanner.SnapshotView(ready(), null, claim("Bound", List.of()), pv(OURS, "n"), List.of(), false),
            List.of(none(CreateContent.class), has(SnapshotStatus.class, s -> assertThat(s.status().path("error").path("message").asText())
                .isEqualTo("Failed to set default snapshot class with error cannot find default snapshot class")))),
        Arguments.of("two default classes of the driver: none chosen",
            new SnapshotPlanner.SnapshotView(ready(), null, claim("Bound", List.of()), pv(OURS, "n"),
                List.of(cls("a", true, OURS, "Delete"), cls("b", true, OURS, "Delete")), false),
            List.of(none(CreateContent.class))),
        Arguments.of("the source claim is missing",
            new SnapshotPlanner.SnapshotView(ready(), null, null, null, DEFAULT_CLASS, false),
            List.of(none(CreateContent.class), has(SnapshotStatus.class, s -> assertThat(s.status().path("error").path("message").asText())
                .contains("failed to retrieve PVC data")))),
        Arguments.of("the claim is not bound yet",
            new SnapshotPlanner.SnapshotView(ready(), null, claim("Pending", List.of()), null, DEFAULT_CLASS, false),
            List.of(none(CreateContent.class), has(SnapshotStatus.class, s -> assertThat(s.status().path("error").path("message").asText())
                .contains("is not yet bound to a PV")))),
        Arguments.of("the same error is not written twice",
            new SnapshotPlanner.SnapshotView(withFinalizers(snapshot("", "{'readyToUse':false,'error':{'message':"
                + "'Failed to set default snapshot class with error cannot find default snapshot class'}}"), BOTH),
                null, claim("Bound", List.of()), pv(OURS, "n"), List.of(), false),
            List.of(nothing())),
        Arguments.of("a volume of another provisioner is not copied",
            new SnapshotPlanner.SnapshotView(ready(), null, claim("Bound", List.of()), pv("other.io/csi", "n"), DEFAULT_CLASS, false),
            List.of(none(CreateContent.class))),
        Arguments.of("a content not ready yet: bound, not ready",
            new SnapshotPlanner.SnapshotView(ready(), content("u1", "Delete", "{}", ""), claim("Bound", List.of(SnapshotPlanner.PVC_AS_SOURCE)),
                pv(OURS, "n"), DEFAULT_CLASS, false),
            List.of(none(ClaimFinalizer.class), has(SnapshotStatus.class, s -> {
              assertThat(s.status().path("boundVolumeSnapshotContentName").asText()).isEqualTo("snapcontent-u1");
              assertThat(s.status().path("readyToUse").asBoolean(true)).isFalse();
            }))),
        Arguments.of("a content ready: the snapshot is ready, the claim released",
            new SnapshotPlanner.SnapshotView(ready(), content("u1", "Delete", TAKEN, ""), claim("Bound", List.of(SnapshotPlanner.PVC_AS_SOURCE)),
                pv(OURS, "n"), DEFAULT_CLASS, false),
            List.of(has(ClaimFinalizer.class, f -> assertThat(f.present()).isFalse()), has(SnapshotStatus.class, s -> {
              assertThat(s.status().path("readyToUse").asBoolean()).isTrue();
              assertThat(s.status().path("restoreSize").asText()).isEqualTo("50Mi");
              assertThat(s.status().path("creationTime").asText()).isEqualTo("2025-12-03T12:00:00Z");
            }))),
        Arguments.of("a content bound to another snapshot",
            new SnapshotPlanner.SnapshotView(ready(), content("other", "Delete", TAKEN, ""), claim("Bound", List.of()), pv(OURS, "n"),
                DEFAULT_CLASS, false),
            List.of(has(SnapshotStatus.class, s -> assertThat(s.status().path("error").path("message").asText()).contains("different snapshot")))),
        Arguments.of("deleted, policy Delete: the content goes first",
            new SnapshotPlanner.SnapshotView(deleting(), content("u1", "Delete", TAKEN, ""), claim("Bound", List.of()), pv(OURS, "n"),
                DEFAULT_CLASS, false),
            List.of(has(DeleteContent.class, d -> assertThat(d.content()).isEqualTo("snapcontent-u1")), none(SnapshotFinalizers.class))),
        Arguments.of("deleted, content going: finalizers kept",
            new SnapshotPlanner.SnapshotView(deleting(), content("u1", "Delete", TAKEN, ",'deletionTimestamp':'2026-12-03T12:00:00Z'"),
                claim("Bound", List.of()), pv(OURS, "n"), DEFAULT_CLASS, false),
            List.of(nothing())),
        Arguments.of("deleted, content gone: finalizers removed",
            new SnapshotPlanner.SnapshotView(deleting(), null, claim("Bound", List.of()), pv(OURS, "n"), DEFAULT_CLASS, false),
            List.of(has(SnapshotFinalizers.class, f -> assertThat(f.finalizers()).isEmpty()))),
        Arguments.of("deleted, policy Retain: the content stays, finalizers removed",
            new SnapshotPlanner.SnapshotView(deleting(), content("u1", "Retain", TAKEN, ""), claim("Bound", List.of()), pv(OURS, "n"),
                DEFAULT_CLASS, false),
            List.of(none(DeleteContent.class), has(SnapshotFinalizers.class, f -> assertThat(f.finalizers()).isEmpty()))),
        Arguments.of("deleted while a claim is restored from it: kept",
            new SnapshotPlanner.SnapshotView(deleting(), content("u1", "Delete", TAKEN, ""), claim("Bound", List.of()), pv(OURS, "n"),
                DEFAULT_CLASS, true),
            List.of(nothing())),
        Arguments.of("pre-provisioned: bound by uid, status from the content",
            new SnapshotPlanner.SnapshotView(preProvisioned(), content("", "Retain", TAKEN, ""), null, null, List.of(), false),
            List.of(has(SnapshotAction.BindContent.class, b -> assertThat(b.snapshotUid()).isEqualTo("u1")),
                has(SnapshotStatus.class, s -> assertThat(s.status().path("readyToUse").asBoolean()).isTrue()))),
        Arguments.of("pre-provisioned content missing",
            new SnapshotPlanner.SnapshotView(preProvisioned(), null, null, null, List.of(), false),
            List.of(has(SnapshotStatus.class, s -> assertThat(s.status().path("error").path("message").asText()).contains("is missing")))));
  }

  static ObjectNode named(ObjectNode vs, String cls) {
    ((ObjectNode) vs.path("spec")).put("volumeSnapshotClassName", cls);
    return vs;
  }

  static ObjectNode deleting() {
    return withFinalizers(snapshot(",'deletionTimestamp':'2026-12-03T12:00:00Z'", "{'readyToUse':true}"), BOTH);
  }

  static ObjectNode preProvisioned() {
    ObjectNode vs = ready();
    ((ObjectNode) vs.path("spec")).putObject("source").put("volumeSnapshotContentName", "snapcontent-u1");
    return vs;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("snapshots")
  void plansSnapshots(String name, SnapshotPlanner.SnapshotView view, List<Consumer<List<SnapshotAction>>> checks) {
    List<SnapshotAction> actions = SnapshotPlanner.snapshot(view, NOW).actions();
    checks.forEach(c -> c.accept(actions));
  }

  static Stream<Arguments> contents() {
    ObjectNode snap = snapshot("", "{}");
    String fin = ",'finalizers':['" + SnapshotPlanner.CONTENT_BOUND + "']";
    return Stream.of(
        Arguments.of("a new content gets its finalizer and is copied",
            new SnapshotPlanner.ContentView(content("u1", "Delete", "{}", ""), snap, pv(OURS, "n"), false, "n"),
            List.of(has(ContentFinalizers.class, f -> assertThat(f.finalizers()).containsExactly(SnapshotPlanner.CONTENT_BOUND)),
                has(TakeSnapshot.class, t -> assertThat(t.pv()).isEqualTo("pvc-1")))),
        Arguments.of("a taken content is not copied again",
            new SnapshotPlanner.ContentView(content("u1", "Delete", TAKEN, fin), snap, pv(OURS, "n"), false, "n"),
            List.of(nothing())),
        Arguments.of("another node's volume is left to that node",
            new SnapshotPlanner.ContentView(content("u1", "Delete", "{}", fin), snap, pv(OURS, "m"), false, "n"),
            List.of(none(TakeSnapshot.class))),
        Arguments.of("the volume is gone",
            new SnapshotPlanner.ContentView(content("u1", "Delete", "{}", fin), snap, null, false, "n"),
            List.of(none(TakeSnapshot.class), has(ContentStatus.class, s -> assertThat(s.status().path("error").path("message").asText())
                .contains("the volume is gone")))),
        Arguments.of("deleted with Delete: data removed, then the finalizer",
            new SnapshotPlanner.ContentView(content("u1", "Delete", TAKEN, fin + ",'deletionTimestamp':'2026-12-03T12:00:00Z'"), null, null,
                false, "n"),
            List.of(has(DeleteData.class, d -> assertThat(d.handle()).isEqualTo("/v/snapshots/snapcontent-u1")),
                has(ContentFinalizers.class, f -> assertThat(f.finalizers()).isEmpty()))),
        Arguments.of("deleted with Retain: the data stays",
            new SnapshotPlanner.ContentView(content("u1", "Retain", TAKEN, fin + ",'deletionTimestamp':'2026-12-03T12:00:00Z'"), null, null,
                false, "n"),
            List.of(none(DeleteData.class), has(ContentFinalizers.class, f -> assertThat(f.finalizers()).isEmpty()))),
        Arguments.of("its snapshot gone, Delete: the content is deleted",
            new SnapshotPlanner.ContentView(content("u1", "Delete", TAKEN, fin), null, null, false, "n"),
            List.of(has(DeleteContent.class, d -> assertThat(d.content()).isEqualTo("snapcontent-u1")))),
        Arguments.of("its snapshot gone, Retain: kept",
            new SnapshotPlanner.ContentView(content("u1", "Retain", TAKEN, fin), null, null, false, "n"),
            List.of(nothing())),
        Arguments.of("a snapshot of the same name but another uid is not its",
            new SnapshotPlanner.ContentView(content("u0", "Delete", TAKEN, fin), snap, null, false, "n"),
            List.of(has(DeleteContent.class, d -> { }))),
        Arguments.of("pre-provisioned with data: ready",
            new SnapshotPlanner.ContentView(handle(fin), null, null, true, "n"),
            List.of(has(ContentStatus.class, s -> {
              assertThat(s.status().path("readyToUse").asBoolean()).isTrue();
              assertThat(s.status().path("snapshotHandle").asText()).isEqualTo("/v/snapshots/old");
            }))),
        Arguments.of("pre-provisioned without data: an error",
            new SnapshotPlanner.ContentView(handle(fin), null, null, false, "n"),
            List.of(has(ContentStatus.class, s -> assertThat(s.status().path("readyToUse").asBoolean(true)).isFalse()))),
        Arguments.of("another driver's content is not ours",
            new SnapshotPlanner.ContentView(obj("{'metadata':{'name':'x'},'spec':{'driver':'ebs.csi.aws.com','deletionPolicy':'Delete',"
                + "'source':{'volumeHandle':'vol-1'},'volumeSnapshotRef':{'name':'s','namespace':'d'}}}"), null, null, false, "n"),
            List.of(nothing())));
  }

  static ObjectNode handle(String fin) {
    return obj("{'metadata':{'name':'snapcontent-u1'" + fin + "},'spec':{'driver':'ordinal.dev/local-path','deletionPolicy':'Retain',"
        + "'source':{'snapshotHandle':'/v/snapshots/old'},'volumeSnapshotRef':{'name':'snap','namespace':'d'}}}");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contents")
  void plansContents(String name, SnapshotPlanner.ContentView view, List<Consumer<List<SnapshotAction>>> checks) {
    List<SnapshotAction> actions = SnapshotPlanner.content(view, NOW).actions();
    checks.forEach(c -> c.accept(actions));
  }
}
