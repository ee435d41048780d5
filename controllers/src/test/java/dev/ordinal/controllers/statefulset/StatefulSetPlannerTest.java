package dev.ordinal.controllers.statefulset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.statefulset.StatefulSetAction.CreateClaim;
import dev.ordinal.controllers.statefulset.StatefulSetAction.CreatePod;
import dev.ordinal.controllers.statefulset.StatefulSetAction.DeletePod;
import dev.ordinal.controllers.statefulset.StatefulSetAction.UpdateClaim;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatefulSetPlannerTest {
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  static final String OLD = "web-old";
  static final String NEW = "web-new";

  static ObjectNode set(int replicas, String extraSpec) {
    String json = ("{'apiVersion':'apps/v1','kind':'StatefulSet','metadata':{'name':'web','namespace':'d','uid':'set-uid','generation':1},"
        + "'spec':{'replicas':" + replicas + ",'serviceName':'nginx','selector':{'matchLabels':{'app':'nginx'}},"
        + "'podManagementPolicy':'OrderedReady','updateStrategy':{'type':'RollingUpdate','rollingUpdate':{'partition':0}},"
        + "'persistentVolumeClaimRetentionPolicy':{'whenDeleted':'Retain','whenScaled':'Retain'},"
        + "'template':{'metadata':{'labels':{'app':'nginx'}},'spec':{'containers':[{'name':'nginx','image':'nginx'}]}},"
        + "'volumeClaimTemplates':[{'metadata':{'name':'www'},'spec':{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}}}}]"
        + extraSpec + "}}").replace('\'', '"');
    return Json.parseObject(json.getBytes());
  }

  static ObjectNode pod(int ordinal, String revision, String phase, boolean ready) {
    ObjectNode set = set(1, "");
    ObjectNode pod = StatefulSetIdentity.newPod(set, (ObjectNode) set.path("spec").path("template"), ordinal, revision);
    Meta.of(pod).put("uid", "pod-uid-" + ordinal);
    ObjectNode status = pod.putObject("status");
    status.put("phase", phase);
    status.putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False")
        .put("lastTransitionTime", "2026-11-23T11:00:00Z");
    return pod;
  }

  static ObjectNode terminating(ObjectNode pod) {
    Meta.of(pod).put("deletionTimestamp", "2026-11-23T12:00:10Z");
    return pod;
  }

  static List<StatefulSetAction> plan(ObjectNode set, List<ObjectNode> pods, Map<String, ObjectNode> claims) {
    Map<String, ObjectNode> templates = new HashMap<>();
    templates.put(OLD, (ObjectNode) set.path("spec").path("template"));
    templates.put(NEW, (ObjectNode) set.path("spec").path("template"));
    return StatefulSetPlanner.plan(new StatefulSetPlanner.Observed(set, pods, claims, OLD, NEW, templates, NOW));
  }

  static List<ObjectNode> readyPods(int n, String revision) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(pod(i, revision, "Running", true));
    }
    return out;
  }

  static Map<String, ObjectNode> claimsFor(int n) {
    Map<String, ObjectNode> out = new HashMap<>();
    for (int i = 0; i < n; i++) {
      ObjectNode c = StatefulSetIdentity.newClaims(set(n, ""), i).get(0);
      out.put(Meta.name(c), c);
    }
    return out;
  }

  static List<String> describe(List<StatefulSetAction> actions) {
    return actions.stream().map(a -> switch (a) {
      case CreateClaim c -> "claim " + Meta.name(c.claim());
      case CreatePod c -> "create " + Meta.name(c.pod()) + "@" + StatefulSetIdentity.revisionOf(c.pod());
      case DeletePod d -> "delete " + d.name();
      case StatefulSetAction.UpdatePod u -> "fix " + Meta.name(u.pod());
      case UpdateClaim u -> "own " + Meta.name(u.claim());
      case StatefulSetAction.InPlaceUpdatePod u -> "in-place " + Meta.name(u.pod()) + "@" + u.revision() + (u.resize() == null ? "" : " with resize");
      case StatefulSetAction.RefuseUpdate r -> "refuse " + r.name();
    }).toList();
  }

  @Test
  void orderedSetsCreateOneReplicaAtATimeClaimFirst() {
    assertThat(describe(plan(set(3, ""), List.of(), Map.of()))).containsExactly("claim www-web-0", "create web-0@web-new");
    List<ObjectNode> pending = List.of(pod(0, NEW, "Pending", false));
    assertThat(describe(plan(set(3, ""), pending, claimsFor(1)))).isEmpty();
    assertThat(describe(plan(set(3, ""), readyPods(1, NEW), claimsFor(1)))).containsExactly("claim www-web-1", "create web-1@web-new");
  }

  static ObjectNode reserving(ObjectNode set, String ordinals) {
    Meta.of(set).with("annotations").put(dev.ordinal.api.apps.ReservedOrdinals.ANNOTATION, ordinals);
    return set;
  }

  static List<ObjectNode> readyPods(String revision, int... ordinals) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i : ordinals) {
      out.add(pod(i, revision, "Running", true));
    }
    return out;
  }

  /** One case of a set with reserved ordinals: its pods, and what one sync does. */
  record Reserved(String name, int replicas, String reserve, List<ObjectNode> pods, List<String> actions) {}

  @Test
  void reservedOrdinalsAreSkippedAndTheOthersKeepTheirIdentities() {
    List<Reserved> cases = List.of(
        new Reserved("ordinal 1 reserved on a running set: web-1 goes, web-0 and web-2 stay", 2, "1",
            readyPods(NEW, 0, 1, 2), List.of("delete web-1")),
        new Reserved("the replica count is kept on the next free ordinal", 3, "1",
            readyPods(NEW, 0, 2), List.of("claim www-web-3", "create web-3@web-new")),
        new Reserved("nothing to do once the set stands on its ordinals", 3, "1", readyPods(NEW, 0, 2, 3), List.of()),
        new Reserved("a range", 2, "0-1", List.of(), List.of("claim www-web-2", "create web-2@web-new")),
        new Reserved("a rolling update goes down the members only", 3, "1", readyPods(OLD, 0, 2, 3), List.of("delete web-3")),
        new Reserved("an unreadable value reserves nothing", 2, "x", readyPods(NEW, 0, 2), List.of("claim www-web-1", "create web-1@web-new")));
    for (Reserved c : cases) {
      ObjectNode set = reserving(set(c.replicas(), ""), c.reserve());
      Map<String, ObjectNode> claims = new HashMap<>();
      for (ObjectNode pod : c.pods()) {
        ObjectNode claim = StatefulSetIdentity.newClaims(set, StatefulSetIdentity.ordinal(Meta.name(pod))).get(0);
        claims.put(Meta.name(claim), claim);
      }
      assertThat(describe(plan(set, c.pods(), claims))).as(c.name()).isEqualTo(c.actions());
    }
  }

  @Test
  void parallelSetsCreateEveryReplicaAtOnce() {
    ObjectNode set = set(3, ",'podManagementPolicy':'Parallel'".replace('\'', '"'));
    set.with("spec").put("podManagementPolicy", "Parallel");
    assertThat(describe(plan(set, List.of(), claimsFor(3)))).containsExactly("create web-0@web-new", "create web-1@web-new", "create web-2@web-new");
  }

  @Test
  void aMissingLowerOrdinalIsCreatedEvenWhileHigherOnesAreUnready() {
    List<ObjectNode> pods = List.of(pod(1, NEW, "Pending", false));
    assertThat(describe(plan(set(2, ""), pods, claimsFor(2)))).containsExactly("create web-0@web-new");
  }

  @Test
  void scaleDownRemovesTheHighestOrdinalOneAtATime() {
    List<ObjectNode> pods = readyPods(5, NEW);
    assertThat(describe(plan(set(3, ""), pods, claimsFor(5)))).containsExactly("delete web-4");
    pods.set(4, terminating(pods.get(4)));
    assertThat(describe(plan(set(3, ""), pods, claimsFor(5)))).isEmpty();
  }

  @Test
  void scaleDownWaitsForEveryReplicaToBeHealthy() {
    List<ObjectNode> pods = readyPods(5, NEW);
    pods.set(1, pod(1, NEW, "Running", false));
    assertThat(describe(plan(set(3, ""), pods, claimsFor(5)))).isEmpty();
  }

  @Test
  void rollingUpdatesGoFromTheHighestOrdinalDownToThePartition() {
    assertThat(describe(plan(set(3, ""), readyPods(3, OLD), claimsFor(3)))).containsExactly("delete web-2");
    List<ObjectNode> midway = readyPods(3, OLD);
    midway.set(2, pod(2, NEW, "Running", false));
    assertThat(describe(plan(set(3, ""), midway, claimsFor(3)))).isEmpty();
    midway.set(2, pod(2, NEW, "Running", true));
    assertThat(describe(plan(set(3, ""), midway, claimsFor(3)))).containsExactly("delete web-1");
    ObjectNode partitioned = set(3, "");
    partitioned.with("spec").with("updateStrategy").with("rollingUpdate").put("partition", 2);
    List<ObjectNode> top = readyPods(3, OLD);
    top.set(2, pod(2, NEW, "Running", true));
    assertThat(describe(plan(partitioned, top, claimsFor(3)))).isEmpty();
  }

  @Test
  void aReplicaBelowThePartitionComesBackAtTheCurrentRevision() {
    ObjectNode partitioned = set(3, "");
    partitioned.with("spec").with("updateStrategy").with("rollingUpdate").put("partition", 2);
    List<ObjectNode> pods = new ArrayList<>(readyPods(3, OLD));
    pods.remove(0);
    assertThat(describe(plan(partitioned, pods, claimsFor(3)))).containsExactly("create web-0@web-old");
  }

  @Test
  void onDeleteNeverDeletesForAnUpdate() {
    ObjectNode onDelete = set(3, "");
    onDelete.with("spec").putObject("updateStrategy").put("type", "OnDelete");
    assertThat(describe(plan(onDelete, readyPods(3, OLD), claimsFor(3)))).isEmpty();
  }

  @Test
  void maxUnavailableDeletesSeveralOutdatedReplicasAtOnce() {
    ObjectNode set = set(4, "");
    set.with("spec").with("updateStrategy").with("rollingUpdate").put("maxUnavailable", 2);
    assertThat(describe(plan(set, readyPods(4, OLD), claimsFor(4)))).containsExactly("delete web-3", "delete web-2");
  }

  @Test
  void failedReplicasAreReplaced() {
    List<ObjectNode> pods = readyPods(2, NEW);
    pods.set(1, pod(1, NEW, "Failed", false));
    assertThat(describe(plan(set(2, ""), pods, claimsFor(2)))).containsExactly("delete web-1");
  }

  @Test
  void aRolloutStuckOnABrokenRevisionHealsOnceTheTemplateIsFixed() {
    // web-2 runs the broken revision and never becomes ready; the template was reverted, so the
    // update revision is the good one again: the broken replica is replaced without a manual delete
    List<ObjectNode> pods = readyPods(3, NEW);
    pods.set(2, pod(2, "web-broken", "Running", false));
    assertThat(describe(plan(set(3, ""), pods, claimsFor(3)))).containsExactly("delete web-2");
    List<ObjectNode> crashing = readyPods(3, NEW);
    crashing.set(2, pod(2, NEW, "Running", false));
    assertThat(describe(plan(set(3, ""), crashing, claimsFor(3)))).isEmpty();
  }

  @Test
  void aPendingReplicaOfAnOutdatedRevisionIsReplacedNotWaitedFor() {
    // web-0 of a new set never left Pending (ImagePullBackOff: its image needed a pull secret); the
    // user added imagePullSecrets to the template. Upstream waits on it for ever (kubernetes#67250);
    // Ordinal replaces it at once, and web-1 waits, OrderedReady, for the new web-0
    List<ObjectNode> stuck = List.of(pod(0, OLD, "Pending", false));
    assertThat(describe(plan(set(2, ""), stuck, claimsFor(1)))).containsExactly("delete web-0");
    // a Pending replica of the update revision (still pulling, or failing with the fixed template) is waited for
    assertThat(describe(plan(set(2, ""), List.of(pod(0, NEW, "Pending", false)), claimsFor(1)))).isEmpty();
    // already being deleted: nothing more, and nothing beyond it
    assertThat(describe(plan(set(2, ""), List.of(terminating(pod(0, OLD, "Pending", false))), claimsFor(1)))).isEmpty();
  }

  @Test
  void retentionPolicyBecomesOwnerReferences() {
    ObjectNode deleteWithSet = set(1, "");
    deleteWithSet.with("spec").with("persistentVolumeClaimRetentionPolicy").put("whenDeleted", "Delete");
    CreateClaim claim = (CreateClaim) plan(deleteWithSet, List.of(), Map.of()).get(0);
    assertThat(claim.claim().path("metadata").path("ownerReferences").get(0).path("uid").asText()).isEqualTo("set-uid");

    ObjectNode deleteOnScale = set(1, "");
    deleteOnScale.with("spec").with("persistentVolumeClaimRetentionPolicy").put("whenScaled", "Delete");
    List<StatefulSetAction> actions = plan(deleteOnScale, readyPods(2, NEW), claimsFor(2));
    assertThat(describe(actions)).containsExactly("own www-web-1", "delete web-1");
    ObjectNode owned = ((UpdateClaim) actions.get(0)).claim();
    assertThat(owned.path("metadata").path("ownerReferences").get(0).path("kind").asText()).isEqualTo("Pod");
  }

  @Test
  void ordinalsStartWhereTheSetSays() {
    ObjectNode set = set(2, "");
    set.with("spec").putObject("ordinals").put("start", 5);
    assertThat(describe(plan(set, List.of(), Map.of()))).containsExactly("claim www-web-5", "create web-5@web-new");
  }

  @Test
  void newReplicasCarryTheirIdentity() {
    ObjectNode pod = ((CreatePod) plan(set(1, ""), List.of(), claimsFor(1)).get(0)).pod();
    assertThat(pod.path("spec").path("hostname").asText()).isEqualTo("web-0");
    assertThat(pod.path("spec").path("subdomain").asText()).isEqualTo("nginx");
    assertThat(Meta.labels(pod)).containsEntry("statefulset.kubernetes.io/pod-name", "web-0")
        .containsEntry("apps.kubernetes.io/pod-index", "0").containsEntry("controller-revision-hash", NEW).containsEntry("app", "nginx");
    assertThat(pod.path("spec").path("volumes").get(0).path("persistentVolumeClaim").path("claimName").asText()).isEqualTo("www-web-0");
  }
}
