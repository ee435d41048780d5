package dev.ordinal.apiserver.printing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrintersTest {
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  @Test
  void humanDurations() {
    assertThat(HumanDuration.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(HumanDuration.format(Duration.ofSeconds(200))).isEqualTo("3m20s");
    assertThat(HumanDuration.format(Duration.ofMinutes(42))).isEqualTo("42m");
    assertThat(HumanDuration.format(Duration.ofMinutes(5 * 60 + 7))).isEqualTo("5h7m");
    assertThat(HumanDuration.format(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(HumanDuration.format(Duration.ofHours(51))).isEqualTo("2d3h");
    assertThat(HumanDuration.format(Duration.ofDays(40))).isEqualTo("40d");
  }

  @Test
  void podStatusReasons() {
    ObjectNode crashing = obj("{'metadata':{'name':'web-0','creationTimestamp':'2026-11-23T11:00:00Z'},"
        + "'spec':{'nodeName':'n1','containers':[{'name':'a'},{'name':'b'}]},"
        + "'status':{'phase':'Running','podIP':'10.88.0.5','containerStatuses':["
        + "{'name':'a','ready':true,'restartCount':0,'state':{'running':{}}},"
        + "{'name':'b','ready':false,'restartCount':5,'state':{'waiting':{'reason':'CrashLoopBackOff'}},"
        + "'lastState':{'terminated':{'exitCode':1,'finishedAt':'2026-11-23T11:55:00Z'}}}]}}");
    assertThat(PodPrinter.INSTANCE.cells(crashing, NOW))
        .containsExactly("web-0", "1/2", "CrashLoopBackOff", "5 (5m ago)", "60m", "10.88.0.5", "n1", "<none>", "<none>");
    ObjectNode initializing = obj("{'metadata':{'name':'p'},'spec':{'initContainers':[{'name':'i1'},{'name':'i2'}],'containers':[{'name':'a'}]},"
        + "'status':{'phase':'Pending','initContainerStatuses':[{'name':'i1','state':{'terminated':{'exitCode':0}}},"
        + "{'name':'i2','state':{'running':{}}}]}}");
    assertThat(PodPrinter.INSTANCE.cells(initializing, NOW).get(2)).isEqualTo("Init:1/2");
    ObjectNode terminating = obj("{'metadata':{'name':'p','deletionTimestamp':'2026-11-23T12:00:30Z'},'spec':{'containers':[{'name':'a'}]},'status':{'phase':'Running'}}");
    assertThat(PodPrinter.INSTANCE.cells(terminating, NOW).get(2)).isEqualTo("Terminating");
  }

  @Test
  void statefulSetAndServiceColumns() {
    ObjectNode sts = obj("{'metadata':{'name':'web'},'spec':{'replicas':3,'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:1.27'}]}}},'status':{'readyReplicas':2}}");
    assertThat(WorkloadPrinters.STATEFUL_SET.cells(sts, NOW)).containsExactly("web", "2/3", "<unknown>", "nginx", "nginx:1.27");
    ObjectNode svc = obj("{'metadata':{'name':'nginx'},'spec':{'clusterIP':'None','ports':[{'port':80,'protocol':'TCP'},{'port':443,'nodePort':30001}],'selector':{'app':'nginx'}}}");
    assertThat(NetworkPrinters.SERVICE.cells(svc, NOW)).containsExactly("nginx", "ClusterIP", "None", "<none>", "80/TCP,443:30001/TCP", "<unknown>", "app=nginx");
  }

  @Test
  void deploymentReplicaSetAndReplicationControllerColumns() {
    ObjectNode d = obj("{'metadata':{'name':'web'},'spec':{'replicas':3,'selector':{'matchLabels':{'app':'web'},'matchExpressions':[{'key':'tier','operator':'In','values':['a','b']}]},"
        + "'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:1.27'}]}}},'status':{'readyReplicas':2,'updatedReplicas':3,'availableReplicas':1}}");
    assertThat(ReplicaSetPrinters.DEPLOYMENT.cells(d, NOW)).containsExactly("web", "2/3", 3L, 1L, "<unknown>", "nginx", "nginx:1.27", "app=web,tier in (a,b)");
    ObjectNode rs = obj("{'metadata':{'name':'web-abc'},'spec':{'replicas':3,'selector':{'matchLabels':{'pod-template-hash':'abc','app':'web'}},"
        + "'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:1.27'}]}}},'status':{'replicas':2,'readyReplicas':1}}");
    assertThat(ReplicaSetPrinters.REPLICA_SET.cells(rs, NOW)).containsExactly("web-abc", 3L, 2L, 1L, "<unknown>", "nginx", "nginx:1.27", "app=web,pod-template-hash=abc");
    ObjectNode rc = obj("{'metadata':{'name':'legacy'},'spec':{'replicas':1,'selector':{'app':'legacy'},"
        + "'template':{'spec':{'containers':[{'name':'nginx','image':'nginx:1.27'}]}}},'status':{'replicas':1,'readyReplicas':1}}");
    assertThat(ReplicaSetPrinters.REPLICATION_CONTROLLER.cells(rc, NOW)).containsExactly("legacy", 1L, 1L, 1L, "<unknown>", "nginx", "nginx:1.27", "app=legacy");
    assertThat(ReplicaSetPrinters.REPLICA_SET.columns()).extracting(c -> c.name())
        .containsExactly("Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector");
  }

  @Test
  void daemonSetColumns() {
    ObjectNode ds = obj("{'metadata':{'name':'logs'},'spec':{'selector':{'matchLabels':{'app':'logs'}},"
        + "'template':{'spec':{'nodeSelector':{'kubernetes.io/os':'linux'},'containers':[{'name':'c','image':'busybox'}]}}},"
        + "'status':{'desiredNumberScheduled':3,'currentNumberScheduled':2,'numberReady':1,'updatedNumberScheduled':2,'numberAvailable':1}}");
    assertThat(DaemonSetPrinter.INSTANCE.cells(ds, NOW))
        .containsExactly("logs", 3L, 2L, 1L, 2L, 1L, "kubernetes.io/os=linux", "<unknown>", "c", "busybox", "app=logs");
    assertThat(DaemonSetPrinter.INSTANCE.columns()).extracting(c -> c.name()).containsExactly(
        "Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age", "Containers", "Images", "Selector");
    ds.with("spec").with("template").with("spec").remove("nodeSelector");
    assertThat(DaemonSetPrinter.INSTANCE.cells(ds, NOW).get(6)).isEqualTo("<none>");
  }

  @Test
  void claimsAndClasses() {
    ObjectNode pvc = obj("{'metadata':{'name':'www-web-0'},'spec':{'storageClassName':'local-path','volumeName':'pv-1'},'status':{'phase':'Bound','capacity':{'storage':'1Gi'},'accessModes':['ReadWriteOnce']}}");
    assertThat(StoragePrinters.CLAIM.cells(pvc, NOW)).containsExactly("www-web-0", "Bound", "pv-1", "1Gi", "RWO", "local-path", "<unset>", "<unknown>", "Filesystem");
    ObjectNode sc = obj("{'metadata':{'name':'local-path','annotations':{'storageclass.kubernetes.io/is-default-class':'true'}},'provisioner':'ordinal.dev/local-path','volumeBindingMode':'WaitForFirstConsumer'}");
    assertThat(StoragePrinters.STORAGE_CLASS.cells(sc, NOW).subList(0, 4)).containsExactly("local-path (default)", "ordinal.dev/local-path", "Delete", "WaitForFirstConsumer");
  }

  @Test
  void tableShapeCarriesPartialMetadata() {
    ObjectNode cm = obj("{'metadata':{'name':'c','labels':{'a':'b'}},'data':{'k':'v'}}");
    ObjectNode table = TableBuilder.build(TablePrinters.forKind("v1", "ConfigMap"), List.of(cm), "7", "", IncludeObject.METADATA, NOW);
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("metadata").path("resourceVersion").asText()).isEqualTo("7");
    assertThat(table.path("columnDefinitions").get(0).path("format").asText()).isEqualTo("name");
    assertThat(table.path("rows").get(0).path("cells").get(1).asInt()).isEqualTo(1);
    assertThat(table.path("rows").get(0).path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(table.path("rows").get(0).path("object").path("metadata").path("labels").path("a").asText()).isEqualTo("b");
    ObjectNode later = TableBuilder.watchRow(TablePrinters.forKind("v1", "ConfigMap"), cm, IncludeObject.NONE, false, NOW);
    assertThat(later.has("columnDefinitions")).isFalse();
    assertThat(later.path("rows").get(0).has("object")).isFalse();
  }
}
