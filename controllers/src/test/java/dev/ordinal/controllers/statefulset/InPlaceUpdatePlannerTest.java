package dev.ordinal.controllers.statefulset;

import static dev.ordinal.controllers.statefulset.StatefulSetPlannerTest.NEW;
import static dev.ordinal.controllers.statefulset.StatefulSetPlannerTest.NOW;
import static dev.ordinal.controllers.statefulset.StatefulSetPlannerTest.OLD;
import static dev.ordinal.controllers.statefulset.StatefulSetPlannerTest.claimsFor;
import static dev.ordinal.controllers.statefulset.StatefulSetPlannerTest.describe;
import static dev.ordinal.controllers.statefulset.StatefulSetPlannerTest.readyPods;
import static dev.ordinal.controllers.statefulset.StatefulSetPlannerTest.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.statefulset.StatefulSetAction.InPlaceUpdatePod;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InPlaceUpdatePlannerTest {

  /** A 3-replica set at revision OLD whose update revision NEW has the template {@code change} made. */
  static List<String> rollout(String policy, Consumer<ObjectNode> change, List<ObjectNode> pods, int partition) {
    return rollout(policy, t -> { }, change, pods, partition);
  }

  /** The same, the set's template first given {@code base} (both revisions have it). */
  static List<String> rollout(String policy, Consumer<ObjectNode> base, Consumer<ObjectNode> change, List<ObjectNode> pods,
      int partition) {
    ObjectNode set = set(3, "");
    base.accept((ObjectNode) set.path("spec").path("template"));
    if (policy != null) {
      Meta.of(set).with("annotations").put(InPlaceUpdatePlanner.POLICY_ANNOTATION, policy);
    }
    set.with("spec").with("updateStrategy").with("rollingUpdate").put("partition", partition);
    ObjectNode from = ((ObjectNode) set.path("spec").path("template")).deepCopy();
    ObjectNode to = from.deepCopy();
    change.accept(to);
    Map<String, ObjectNode> templates = Map.of(OLD, from, NEW, to);
    return describe(StatefulSetPlanner.plan(new StatefulSetPlanner.Observed(set, pods, claimsFor(3), OLD, NEW, templates, NOW)));
  }

  static Consumer<ObjectNode> container(Consumer<ObjectNode> c) {
    return t -> c.accept((ObjectNode) t.path("spec").path("containers").get(0));
  }

  static Stream<Arguments> cases() {
    Consumer<ObjectNode> image = container(c -> c.put("image", "nginx:1.27"));
    Consumer<ObjectNode> imageAndPolicy = container(c -> c.put("image", "nginx:latest").put("imagePullPolicy", "Always"));
    Consumer<ObjectNode> command = container(c -> c.putArray("command").add("sleep"));
    Consumer<ObjectNode> imageAndLabel = image.andThen(t -> t.with("metadata").with("labels").put("tier", "db"));
    return Stream.of(
        Arguments.of("no policy: recreate", null, image, 0, List.of("delete web-2")),
        Arguments.of("ReCreate: recreate", "ReCreate", image, 0, List.of("delete web-2")),
        Arguments.of("images only: in place", "InPlaceIfPossible", image, 0, List.of("in-place web-2@web-new")),
        Arguments.of("image and its pull policy: recreate", "InPlaceIfPossible", imageAndPolicy, 0, List.of("delete web-2")),
        Arguments.of("command change: recreate", "InPlaceIfPossible", command, 0, List.of("delete web-2")),
        Arguments.of("image and label: recreate", "InPlaceIfPossible", imageAndLabel, 0, List.of("delete web-2")),
        Arguments.of("InPlaceOnly, images only: in place", "InPlaceOnly", image, 0, List.of("in-place web-2@web-new")),
        Arguments.of("InPlaceOnly, command change: refused", "InPlaceOnly", command, 0, List.of("refuse web-2")),
        Arguments.of("partition at the top: nothing", "InPlaceIfPossible", image, 3, List.of()),
        Arguments.of("partition 2: only web-2", "InPlaceIfPossible", image, 2, List.of("in-place web-2@web-new")));
  }

  /** Resources: a Burstable template (memory 32Mi requested, 64Mi limit) whose update revision changes them. */
  static Stream<Arguments> resourceCases() {
    Consumer<ObjectNode> image = container(c -> c.put("image", "nginx:1.27"));
    Consumer<ObjectNode> moreMemory = container(c -> c.set("resources", Json.parseObject(
        "{\"requests\":{\"memory\":\"32Mi\"},\"limits\":{\"memory\":\"128Mi\"}}".getBytes())));
    Consumer<ObjectNode> lessMemory = container(c -> c.set("resources", Json.parseObject(
        "{\"requests\":{\"memory\":\"32Mi\"},\"limits\":{\"memory\":\"48Mi\"}}".getBytes())));
    Consumer<ObjectNode> toGuaranteed = container(c -> c.set("resources", Json.parseObject(
        "{\"requests\":{\"cpu\":\"1\",\"memory\":\"64Mi\"},\"limits\":{\"cpu\":\"1\",\"memory\":\"64Mi\"}}".getBytes())));
    return Stream.of(
        Arguments.of("memory limit raised: resized in place", "InPlaceIfPossible", moreMemory, 0,
            List.of("in-place web-2@web-new with resize")),
        Arguments.of("image and memory limit: in place with resize", "InPlaceIfPossible", image.andThen(moreMemory), 0,
            List.of("in-place web-2@web-new with resize")),
        Arguments.of("memory limit lowered (resizePolicy NotRequired): recreate", "InPlaceIfPossible", lessMemory, 0,
            List.of("delete web-2")),
        Arguments.of("QoS class changed: recreate", "InPlaceIfPossible", toGuaranteed, 0, List.of("delete web-2")),
        Arguments.of("InPlaceOnly, QoS class changed: refused", "InPlaceOnly", toGuaranteed, 0, List.of("refuse web-2")),
        Arguments.of("ReCreate, memory raised: recreate", "ReCreate", moreMemory, 0, List.of("delete web-2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("resourceCases")
  void resourcesChangeInPlaceWhereAResizeWouldTakeThem(String name, String policy, Consumer<ObjectNode> change, int partition,
      List<String> expected) {
    Consumer<ObjectNode> base = container(c -> c.set("resources", Json.parseObject(
        "{\"requests\":{\"memory\":\"32Mi\"},\"limits\":{\"memory\":\"64Mi\"}}".getBytes())));
    List<ObjectNode> pods = readyPods(3, OLD);
    pods.forEach(p -> base.accept(p));
    assertThat(rollout(policy, base, change, pods, partition)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decidesPerTemplateChange(String name, String policy, Consumer<ObjectNode> change, int partition, List<String> expected) {
    assertThat(rollout(policy, change, readyPods(3, OLD), partition)).isEqualTo(expected);
  }

  /**
   * Step 1 of an ordered sync replaces an unhealthy replica of an outdated revision (kubernetes#67250):
   * the pod update policy decides how, and InPlaceOnly never deletes it.
   */
  static Stream<Arguments> unhealthyCases() {
    Consumer<ObjectNode> image = container(c -> c.put("image", "nginx:1.27"));
    Consumer<ObjectNode> command = container(c -> c.putArray("command").add("sleep"));
    return Stream.of(
        Arguments.of("no policy, image change: recreated", null, image, List.of("delete web-1")),
        Arguments.of("InPlaceIfPossible, image change: in place", "InPlaceIfPossible", image, List.of("in-place web-1@web-new")),
        Arguments.of("InPlaceIfPossible, command change: recreated", "InPlaceIfPossible", command, List.of("delete web-1")),
        Arguments.of("InPlaceOnly, image change: in place", "InPlaceOnly", image, List.of("in-place web-1@web-new")),
        Arguments.of("InPlaceOnly, command change: refused, not deleted", "InPlaceOnly", command, List.of("refuse web-1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unhealthyCases")
  void anUnhealthyOutdatedPodFollowsThePolicy(String name, String policy, Consumer<ObjectNode> change, List<String> expected) {
    List<ObjectNode> pods = readyPods(3, OLD);
    pods.set(1, StatefulSetPlannerTest.pod(1, OLD, "Running", false));
    assertThat(rollout(policy, change, pods, 0)).isEqualTo(expected);
  }

  @Test
  void theUpdatedPodKeepsItsIdentityAndGetsTheNewImagesAndRevision() {
    ObjectNode set = set(3, "");
    Meta.of(set).with("annotations").put(InPlaceUpdatePlanner.POLICY_ANNOTATION, "InPlaceIfPossible");
    ObjectNode from = (ObjectNode) set.path("spec").path("template");
    ObjectNode to = from.deepCopy();
    ((ObjectNode) to.path("spec").path("containers").get(0)).put("image", "nginx:1.27");
    ObjectNode pod = readyPods(3, OLD).get(2);
    pod.with("spec").put("nodeName", "n1");
    var action = (InPlaceUpdatePod) InPlaceUpdatePlanner.update(set, pod, from, to, NEW);
    assertThat(Meta.uid(action.pod())).isEqualTo("pod-uid-2");
    assertThat(action.pod().path("spec").path("nodeName").asText()).isEqualTo("n1");
    assertThat(action.pod().path("spec").path("containers").get(0).path("image").asText()).isEqualTo("nginx:1.27");
    assertThat(StatefulSetIdentity.revisionOf(action.pod())).isEqualTo(NEW);
    assertThat(pod.path("spec").path("containers").get(0).path("image").asText()).as("input untouched").isEqualTo("nginx");
  }

  @Test
  void aResizeCarriesTheNewResourcesAndThePodUpdateTheImagesAndRevision() {
    ObjectNode set = set(3, "");
    Meta.of(set).with("annotations").put(InPlaceUpdatePlanner.POLICY_ANNOTATION, "InPlaceIfPossible");
    ObjectNode from = (ObjectNode) set.path("spec").path("template");
    ((ObjectNode) from.path("spec").path("containers").get(0)).set("resources",
        Json.parseObject("{\"requests\":{\"memory\":\"32Mi\"},\"limits\":{\"memory\":\"64Mi\"}}".getBytes()));
    ObjectNode to = from.deepCopy();
    ObjectNode c = (ObjectNode) to.path("spec").path("containers").get(0);
    c.put("image", "nginx:1.27");
    ((ObjectNode) c.path("resources").path("limits")).put("memory", "128Mi");
    ObjectNode pod = readyPods(3, OLD).get(2);
    ((ObjectNode) pod.path("spec").path("containers").get(0)).set("resources", from.path("spec").path("containers").get(0)
        .path("resources").deepCopy());
    var action = (InPlaceUpdatePod) InPlaceUpdatePlanner.update(set, pod, from, to, NEW);
    assertThat(action.resize()).isNotNull();
    assertThat(action.resize().path("spec").path("containers").get(0).path("resources").path("limits").path("memory").asText())
        .isEqualTo("128Mi");
    assertThat(action.resize().path("spec").path("containers").get(0).path("image").asText()).as("the resize: resources only")
        .isEqualTo("nginx");
    assertThat(StatefulSetIdentity.revisionOf(action.resize())).isEqualTo(OLD);
    assertThat(action.pod().path("spec").path("containers").get(0).path("image").asText()).isEqualTo("nginx:1.27");
    assertThat(action.pod().path("spec").path("containers").get(0).path("resources").path("limits").path("memory").asText())
        .isEqualTo("128Mi");
    assertThat(StatefulSetIdentity.revisionOf(action.pod())).isEqualTo(NEW);
  }

  /** A resize the node has not applied yet (PodResizeInProgress): unavailable, as a pending image. */
  @Test
  void aPodWhoseResizeIsInProgressIsUnavailable() {
    ObjectNode pod = readyPods(1, OLD).get(0);
    assertThat(InPlaceUpdatePlanner.isImageUpdatePending(pod)).isFalse();
    pod.with("status").withArray("conditions").add(Json.parseObject(
        "{\"type\":\"PodResizeInProgress\",\"status\":\"True\"}".getBytes()));
    assertThat(InPlaceUpdatePlanner.isImageUpdatePending(pod)).isTrue();
  }

  /** Updated in place, status still from the old container: unavailable, so the budget of 1 is spent. */
  @Test
  void aPodWhoseNodeHasNotRunItsNewImageYetIsUnavailable() {
    List<ObjectNode> pods = readyPods(3, OLD);
    ObjectNode updated = pods.get(2);
    updated.with("metadata").with("labels").put(StatefulSetIdentity.REVISION_LABEL, NEW);
    ((ObjectNode) updated.path("spec").path("containers").get(0)).put("image", "nginx:1.27");
    updated.with("status").putArray("containerStatuses").add(Json.parseObject(
        "{\"name\":\"nginx\",\"image\":\"nginx\",\"ready\":true}".getBytes()));
    assertThat(InPlaceUpdatePlanner.isImageUpdatePending(updated)).isTrue();
    assertThat(PodState.isRunningAndReady(updated)).isFalse();
    Consumer<ObjectNode> image = container(c -> c.put("image", "nginx:1.27"));
    assertThat(rollout("InPlaceIfPossible", image, pods, 0)).isEmpty();

    // the node reports the new image running and ready: the next pod, one ordinal down
    ((ObjectNode) updated.path("status").path("containerStatuses").get(0)).put("image", "nginx:1.27");
    assertThat(PodState.isRunningAndReady(updated)).isTrue();
    assertThat(rollout("InPlaceIfPossible", image, pods, 0)).containsExactly("in-place web-1@web-new");
  }

  @Test
  void maxUnavailableBoundsHowManyAreUpdatedAtOnce() {
    ObjectNode set = set(3, "");
    Meta.of(set).with("annotations").put(InPlaceUpdatePlanner.POLICY_ANNOTATION, "InPlaceIfPossible");
    set.with("spec").with("updateStrategy").with("rollingUpdate").put("maxUnavailable", 2);
    set.with("spec").put("podManagementPolicy", "Parallel");
    ObjectNode from = (ObjectNode) set.path("spec").path("template");
    ObjectNode to = from.deepCopy();
    ((ObjectNode) to.path("spec").path("containers").get(0)).put("image", "nginx:1.27");
    var o = new StatefulSetPlanner.Observed(set, readyPods(3, OLD), claimsFor(3), OLD, NEW, Map.of(OLD, from, NEW, to), NOW);
    assertThat(describe(StatefulSetPlanner.plan(o))).containsExactly("in-place web-2@web-new", "in-place web-1@web-new");
  }

  @Test
  void unknownPolicyValuesAreTakenAsReCreate() {
    ObjectNode set = set(1, "");
    Meta.of(set).with("annotations").put(InPlaceUpdatePlanner.POLICY_ANNOTATION, "Sometimes");
    assertThat(InPlaceUpdatePlanner.Policy.of(set)).isEqualTo(InPlaceUpdatePlanner.Policy.ReCreate);
  }
}
