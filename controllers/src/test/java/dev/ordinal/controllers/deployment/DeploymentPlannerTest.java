package dev.ordinal.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One pass of the Deployment controller, by table: observed sets → the writes upstream makes. */
class DeploymentPlannerTest {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  /** A Deployment `web` of image {@code image}; strategy "Recreate" or "surge/unavailable". */
  static ObjectNode deployment(int replicas, String image, String strategy) {
    ObjectNode d = Json.object();
    d.put("apiVersion", "apps/v1").put("kind", "Deployment");
    ObjectNode meta = d.putObject("metadata");
    meta.put("name", "web").put("namespace", "d").put("uid", "d-uid").put("generation", 2);
    ObjectNode spec = d.putObject("spec");
    spec.put("replicas", replicas).put("revisionHistoryLimit", 10).put("progressDeadlineSeconds", 600);
    spec.putObject("selector").putObject("matchLabels").put("app", "web");
    spec.set("template", template(image));
    ObjectNode s = spec.putObject("strategy");
    if (strategy.equals("Recreate")) {
      s.put("type", "Recreate");
    } else {
      String[] parts = strategy.split("/");
      ObjectNode r = s.put("type", "RollingUpdate").putObject("rollingUpdate");
      for (int i = 0; i < 2; i++) {
        String v = parts[i];
        if (v.endsWith("%")) {
          r.put(i == 0 ? "maxSurge" : "maxUnavailable", v);
        } else {
          r.put(i == 0 ? "maxSurge" : "maxUnavailable", Integer.parseInt(v));
        }
      }
    }
    d.putObject("status").put("observedGeneration", 2);
    return d;
  }

  static ObjectNode template(String image) {
    ObjectNode t = Json.object();
    t.putObject("metadata").putObject("labels").put("app", "web");
    t.putObject("spec").putArray("containers").addObject().put("name", "web").put("image", image);
    return t;
  }

  /** A ReplicaSet of the deployment: its image, size, available pods, revision, age in seconds. */
  static ObjectNode rs(String name, String image, int replicas, int available, int revision, long ageSeconds, int desiredAnnotation) {
    ObjectNode rs = Json.object();
    rs.put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
    ObjectNode meta = rs.putObject("metadata");
    meta.put("name", name).put("namespace", "d").put("uid", "uid-" + name).put("generation", 1)
        .put("creationTimestamp", Meta.timestamp(NOW.minusSeconds(ageSeconds)));
    ObjectNode ann = meta.putObject("annotations").put(ReplicaSets.REVISION, Integer.toString(revision));
    if (desiredAnnotation >= 0) {
      ann.put(ReplicaSets.DESIRED_REPLICAS, Integer.toString(desiredAnnotation));
      ann.put(ReplicaSets.MAX_REPLICAS, Integer.toString(desiredAnnotation + 1));
    }
    meta.putArray("ownerReferences").addObject().put("kind", "Deployment").put("name", "web").put("uid", "d-uid").put("controller", true);
    ObjectNode t = template(image);
    ((ObjectNode) t.path("metadata").path("labels")).put(ReplicaSets.HASH_LABEL, name.substring(4));
    ObjectNode spec = rs.putObject("spec");
    spec.put("replicas", replicas).set("template", t);
    rs.putObject("status").put("replicas", replicas).put("readyReplicas", available).put("availableReplicas", available)
        .put("observedGeneration", 1);
    return rs;
  }

  static String describe(DeploymentAction a) {
    return switch (a) {
      case DeploymentAction.CreateReplicaSet c -> "create " + ReplicaSets.replicas(c.replicaSet());
      case DeploymentAction.ScaleReplicaSet s -> "scale " + Meta.name(s.replicaSet()) + " " + s.from() + "->" + s.to();
      case DeploymentAction.UpdateReplicaSet u -> "update " + Meta.name(u.replicaSet());
      case DeploymentAction.DeleteReplicaSet del -> "delete " + Meta.name(del.replicaSet());
      case DeploymentAction.SetRevision r -> "revision " + r.revision();
    };
  }

  static DeploymentPlanner.Plan plan(ObjectNode d, List<ObjectNode> sets) {
    return DeploymentPlanner.plan(new DeploymentPlanner.Observed(d, sets, List.of(), NOW));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("a new deployment creates its first ReplicaSet at full size",
            deployment(3, "nginx:1", "25%/25%"), List.of(),
            List.of("create 3", "revision 1")),
        Arguments.of("a new template surges by maxSurge (25% of 4 rounds up to 1)",
            deployment(4, "nginx:2", "25%/25%"), List.of(rs("web-old1", "nginx:1", 4, 4, 1, 100, 4)),
            List.of("create 1", "revision 2", "scale web-old1 4->3")),
        Arguments.of("maxSurge 0: old pods go first, up to maxUnavailable",
            deployment(4, "nginx:2", "0/2"), List.of(rs("web-old1", "nginx:1", 4, 4, 1, 100, 4)),
            List.of("create 0", "revision 2", "scale web-old1 4->2")),
        Arguments.of("the new set grows when old pods are gone",
            deployment(4, "nginx:2", "1/1"), List.of(rs("web-old1", "nginx:1", 2, 2, 1, 100, 4), rs("web-new2", "nginx:2", 2, 2, 2, 50, 4)),
            List.of("revision 2", "scale web-new2 2->3")),
        Arguments.of("old sets shrink only as far as availability allows",
            deployment(4, "nginx:2", "1/1"), List.of(rs("web-old1", "nginx:1", 3, 3, 1, 100, 4), rs("web-new2", "nginx:2", 2, 0, 2, 50, 4)),
            List.of("revision 2")),
        Arguments.of("unavailable old pods are cleaned up first",
            deployment(4, "nginx:2", "1/1"), List.of(rs("web-old1", "nginx:1", 3, 1, 1, 100, 4), rs("web-new2", "nginx:2", 2, 2, 2, 50, 4)),
            List.of("revision 2", "scale web-old1 3->1")),
        Arguments.of("Recreate scales the old set to zero before anything else",
            deployment(3, "nginx:2", "Recreate"), List.of(rs("web-old1", "nginx:1", 3, 3, 1, 100, 3)),
            List.of("scale web-old1 3->0")),
        Arguments.of("a rollback reuses the old ReplicaSet and gives it the next revision",
            deployment(2, "nginx:1", "25%/25%"), List.of(rs("web-old1", "nginx:1", 0, 0, 1, 100, 2), rs("web-new2", "nginx:2", 2, 2, 2, 50, 2)),
            List.of("update web-old1", "revision 3", "scale web-old1 0->1")),
        Arguments.of("a resize during a rollout is shared out in proportion",
            deployment(8, "nginx:2", "1/1"), List.of(rs("web-old1", "nginx:1", 2, 2, 1, 100, 4), rs("web-new2", "nginx:2", 3, 1, 2, 50, 4)),
            List.of("revision 2", "scale web-new2 3->5", "scale web-old1 2->4")),
        Arguments.of("a complete rollout keeps revisionHistoryLimit old sets",
            withHistoryLimit(deployment(1, "nginx:3", "1/0"), 1),
            List.of(rs("web-old1", "nginx:1", 0, 0, 1, 300, 1), rs("web-old2", "nginx:2", 0, 0, 2, 200, 1), rs("web-new3", "nginx:3", 1, 1, 3, 100, 1)),
            List.of("revision 3", "delete web-old1")));
  }

  static ObjectNode withHistoryLimit(ObjectNode d, int limit) {
    ((ObjectNode) d.path("spec")).put("revisionHistoryLimit", limit);
    ObjectNode st = (ObjectNode) d.path("status");
    st.put("replicas", 1).put("updatedReplicas", 1).put("availableReplicas", 1);
    return d;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String name, ObjectNode d, List<ObjectNode> sets, List<String> expected) {
    assertThat(plan(d, sets).actions().stream().map(DeploymentPlannerTest::describe).toList()).isEqualTo(expected);
  }

  @Test
  void theNewReplicaSetIsNamedByItsHashAndCarriesTheHashLabelAndTheReplicaAnnotations() {
    DeploymentAction.CreateReplicaSet c = (DeploymentAction.CreateReplicaSet) plan(deployment(3, "nginx:1", "25%/25%"), List.of()).actions().get(0);
    ObjectNode rs = c.replicaSet();
    String hash = rs.path("spec").path("template").path("metadata").path("labels").path(ReplicaSets.HASH_LABEL).asText();
    assertThat(hash).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
    assertThat(Meta.name(rs)).isEqualTo("web-" + hash);
    assertThat(rs.path("spec").path("selector").path("matchLabels").path(ReplicaSets.HASH_LABEL).asText()).isEqualTo(hash);
    assertThat(Meta.labels(rs)).containsEntry(ReplicaSets.HASH_LABEL, hash).containsEntry("app", "web");
    assertThat(Meta.annotations(rs)).containsEntry(ReplicaSets.DESIRED_REPLICAS, "3").containsEntry(ReplicaSets.MAX_REPLICAS, "4")
        .containsEntry(ReplicaSets.REVISION, "1");
    assertThat(ReplicaSets.hash(template("nginx:1"), 0)).isEqualTo(hash);
    assertThat(ReplicaSets.hash(template("nginx:1"), 1)).isNotEqualTo(hash);
  }

  @Test
  void aRollbackRemembersThePreviousRevisionOfTheReusedSet() {
    ObjectNode old = rs("web-old1", "nginx:1", 0, 0, 1, 100, 2);
    DeploymentPlanner.Plan p = plan(deployment(2, "nginx:1", "25%/25%"), List.of(old, rs("web-new2", "nginx:2", 2, 2, 2, 50, 2)));
    ObjectNode updated = ((DeploymentAction.UpdateReplicaSet) p.actions().get(0)).replicaSet();
    assertThat(Meta.annotations(updated)).containsEntry(ReplicaSets.REVISION, "3").containsEntry(ReplicaSets.REVISION_HISTORY, "1");
  }

  @Test
  void statusCountsAndConditionsOfACompleteRollout() {
    ObjectNode d = deployment(2, "nginx:2", "25%/25%");
    ObjectNode st = (ObjectNode) d.path("status");
    st.put("replicas", 2).put("updatedReplicas", 1).put("availableReplicas", 1);
    DeploymentPlanner.Plan p = plan(d, List.of(rs("web-new2", "nginx:2", 2, 2, 1, 50, 2)));
    ObjectNode s = p.status();
    assertThat(s.path("replicas").asInt()).isEqualTo(2);
    assertThat(s.path("updatedReplicas").asInt()).isEqualTo(2);
    assertThat(s.path("availableReplicas").asInt()).isEqualTo(2);
    assertThat(s.path("unavailableReplicas").asInt()).isZero();
    assertThat(s.path("observedGeneration").asInt()).isEqualTo(2);
    assertThat(condition(s, "Available")).isEqualTo("True MinimumReplicasAvailable");
    assertThat(condition(s, "Progressing")).isEqualTo("True NewReplicaSetAvailable");
    assertThat(DeploymentConditions.get(s, "Progressing").path("message").asText()).isEqualTo("ReplicaSet \"web-new2\" has successfully progressed.");
    assertThat(p.requeue()).isEmpty();
  }

  @Test
  void aRolloutWithoutProgressPastItsDeadlineTimesOut() {
    ObjectNode d = deployment(2, "nginx:2", "25%/25%");
    ObjectNode st = (ObjectNode) d.path("status");
    st.put("replicas", 3).put("updatedReplicas", 1).put("availableReplicas", 2).put("readyReplicas", 2);
    ObjectNode c = DeploymentConditions.condition("Progressing", "True", "ReplicaSetUpdated", "x", NOW.minusSeconds(601));
    st.putArray("conditions").add(c);
    List<ObjectNode> sets = List.of(rs("web-old1", "nginx:1", 2, 2, 1, 100, 2), rs("web-new2", "nginx:2", 1, 0, 2, 50, 2));
    ObjectNode s = plan(d, sets).status();
    assertThat(condition(s, "Progressing")).isEqualTo("False ProgressDeadlineExceeded");
    assertThat(DeploymentConditions.get(s, "Progressing").path("message").asText()).isEqualTo("ReplicaSet \"web-new2\" has timed out progressing.");

    ((ObjectNode) d.path("status").path("conditions").get(0)).put("lastUpdateTime", Meta.timestamp(NOW.minusSeconds(60)));
    DeploymentPlanner.Plan p = plan(d, sets);
    assertThat(condition(p.status(), "Progressing")).isEqualTo("True ReplicaSetUpdated");
    assertThat(p.requeue()).hasValueSatisfying(after -> assertThat(after.toSeconds()).isEqualTo(540));
  }

  @Test
  void pausingAddsThePausedConditionAndStopsTheRollout() {
    ObjectNode d = deployment(2, "nginx:2", "25%/25%");
    ((ObjectNode) d.path("spec")).put("paused", true);
    DeploymentPlanner.Plan p = plan(d, List.of(rs("web-old1", "nginx:1", 2, 2, 1, 100, 2)));
    assertThat(p.actions()).isEmpty();
    assertThat(condition(p.status(), "Progressing")).isEqualTo("Unknown DeploymentPaused");
    assertThat(p.status().path("updatedReplicas").asInt()).isZero();

    ((ObjectNode) d.path("spec")).put("paused", false);
    d.set("status", p.status());
    DeploymentPlanner.Plan resumed = plan(d, List.of(rs("web-old1", "nginx:1", 2, 2, 1, 100, 2)));
    assertThat(resumed.actions().stream().map(DeploymentPlannerTest::describe).toList()).contains("create 1");
    assertThat(condition(resumed.status(), "Progressing")).isEqualTo("True NewReplicaSetCreated");
  }

  @Test
  void scalingAPausedDeploymentResizesItsOnlyActiveSet() {
    ObjectNode d = deployment(5, "nginx:1", "25%/25%");
    ((ObjectNode) d.path("spec")).put("paused", true);
    DeploymentPlanner.Plan p = plan(d, List.of(rs("web-old1", "nginx:1", 2, 2, 1, 100, 2)));
    assertThat(p.actions().stream().map(DeploymentPlannerTest::describe).toList()).containsExactly("revision 1", "scale web-old1 2->5");
    ObjectNode scaled = ((DeploymentAction.ScaleReplicaSet) p.actions().get(1)).replicaSet();
    assertThat(Meta.annotations(scaled)).containsEntry(ReplicaSets.DESIRED_REPLICAS, "5").containsEntry(ReplicaSets.MAX_REPLICAS, "7");
  }

  @Test
  void tooFewAvailableReplicasMakeTheDeploymentUnavailable() {
    ObjectNode d = deployment(4, "nginx:1", "0/1");
    ObjectNode s = plan(d, List.of(rs("web-new1", "nginx:1", 4, 2, 1, 100, 4))).status();
    assertThat(condition(s, "Available")).isEqualTo("False MinimumReplicasUnavailable");
    assertThat(s.path("unavailableReplicas").asInt()).isEqualTo(2);
  }

  @Test
  void templatesCompareWithoutTheHashLabelAndWithoutCaringForNumberTypes() {
    ObjectNode a = template("nginx:1");
    ((ObjectNode) a.path("spec")).put("terminationGracePeriodSeconds", 30);
    ObjectNode b = template("nginx:1");
    ((ObjectNode) b.path("spec")).put("terminationGracePeriodSeconds", 30L);
    ((ObjectNode) b.path("metadata").path("labels")).put(ReplicaSets.HASH_LABEL, "abc");
    assertThat(ReplicaSets.sameTemplate(a, b)).isTrue();
    assertThat(ReplicaSets.sameTemplate(a, template("nginx:2"))).isFalse();
    // what kubectl rollout undo sends: Go's zero values written out
    ((ObjectNode) b.path("metadata")).putNull("creationTimestamp");
    ((ObjectNode) b.path("spec").path("containers").get(0)).putObject("resources");
    assertThat(ReplicaSets.sameTemplate(a, b)).isTrue();
    assertThat(ReplicaSets.hash(a, 0)).isEqualTo(ReplicaSets.hash(b, 0));
  }

  @Test
  void recreateWaitsForTheOldPodsToBeGoneBeforeMakingTheNewSet() {
    ObjectNode d = deployment(2, "nginx:2", "Recreate");
    ObjectNode old = rs("web-old1", "nginx:1", 0, 0, 1, 100, 2);
    ((ObjectNode) old.path("status")).put("replicas", 0);
    ObjectNode terminating = Json.object();
    terminating.putObject("metadata").put("name", "web-old1-abcde").put("deletionTimestamp", Meta.timestamp(NOW))
        .putArray("ownerReferences").addObject().put("kind", "ReplicaSet").put("name", "web-old1").put("uid", "uid-web-old1").put("controller", true);
    terminating.putObject("status").put("phase", "Running");
    var waiting = DeploymentPlanner.plan(new DeploymentPlanner.Observed(d, List.of(old), List.of(terminating), NOW));
    assertThat(waiting.actions()).isEmpty();
    var going = DeploymentPlanner.plan(new DeploymentPlanner.Observed(d, List.of(old), List.of(), NOW));
    assertThat(going.actions().stream().map(DeploymentPlannerTest::describe).toList()).containsExactly("create 2", "revision 2");
  }

  @Test
  void aReplicaSetsFailureToCreatePodsIsTheDeploymentsReplicaFailure() {
    ObjectNode d = deployment(2, "nginx:1", "25%/25%");
    ObjectNode rs = rs("web-new1", "nginx:1", 2, 0, 1, 100, 2);
    ((ObjectNode) rs.path("status")).putArray("conditions").addObject().put("type", "ReplicaFailure").put("status", "True")
        .put("reason", "FailedCreate").put("message", "pods \"web-new1-x\" is forbidden: exceeded quota");
    ObjectNode s = plan(d, List.of(rs)).status();
    assertThat(condition(s, "ReplicaFailure")).isEqualTo("True FailedCreate");
    assertThat(DeploymentConditions.get(s, "ReplicaFailure").path("message").asText()).contains("exceeded quota");
  }

  static String condition(JsonNode status, String type) {
    ObjectNode c = DeploymentConditions.get(status, type);
    return c == null ? "none" : c.path("status").asText() + " " + c.path("reason").asText();
  }

  static List<ObjectNode> list(ObjectNode... sets) {
    return new ArrayList<>(List.of(sets));
  }
}
