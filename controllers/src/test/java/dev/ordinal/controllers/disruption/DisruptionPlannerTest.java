package dev.ordinal.controllers.disruption;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream's disruption arithmetic as a table: budget, pods, controllers → status and events. */
class DisruptionPlannerTest {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  /** The standard catalogue plus the workloads that come with the Deployment work (served or not here). */
  static final ResourceCatalog CATALOG = catalog();

  static ResourceCatalog catalog() {
    List<ResourceType> types = new ArrayList<>(ResourceCatalog.standard().all());
    if (ResourceCatalog.standard().byKind("apps/v1", "ReplicaSet").isEmpty()) {
      types.add(new ResourceType("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, List.of("rs"), List.of("all"),
          Set.of("status", "scale"), io.fabric8.kubernetes.api.model.apps.ReplicaSet.class));
    }
    if (ResourceCatalog.standard().byKind("apps/v1", "Deployment").isEmpty()) {
      types.add(new ResourceType("apps", "v1", "deployments", "deployment", "Deployment", true, List.of("deploy"), List.of("all"),
          Set.of("status", "scale"), io.fabric8.kubernetes.api.model.apps.Deployment.class));
    }
    return new ResourceCatalog(types);
  }

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  static ObjectNode pdb(String spec, String status) {
    return obj("{'apiVersion':'policy/v1','kind':'PodDisruptionBudget','metadata':{'name':'zk-pdb','namespace':'d','generation':2},"
        + "'spec':{'selector':{'matchLabels':{'app':'zk'}}" + spec + "},'status':{" + status + "}}");
  }

  /** A pod; owner "sts/zk" etc. is kind-abbreviation/name, "" for none. */
  static ObjectNode pod(String name, boolean ready, String owner, String extraMeta) {
    String refs = "";
    if (!owner.isEmpty()) {
      String[] o = owner.split("/");
      String[] kind = switch (o[0]) {
        case "sts" -> new String[] {"apps/v1", "StatefulSet"};
        case "rs" -> new String[] {"apps/v1", "ReplicaSet"};
        case "foo" -> new String[] {"example.com/v1", "Foo"};
        case "cm" -> new String[] {"v1", "ConfigMap"};
        default -> throw new IllegalArgumentException(o[0]);
      };
      refs = ",'ownerReferences':[{'apiVersion':'" + kind[0] + "','kind':'" + kind[1] + "','name':'" + o[1] + "','uid':'uid-" + o[1]
          + "','controller':true}]";
    }
    return obj("{'metadata':{'name':'" + name + "','namespace':'d','labels':{'app':'zk'}" + refs + extraMeta + "},"
        + "'status':{'phase':'Running','conditions':[{'type':'Ready','status':'" + (ready ? "True" : "False") + "'}]}}");
  }

  static ObjectNode pod(String name, boolean ready, String owner) {
    return pod(name, ready, owner, "");
  }

  static List<ObjectNode> ready(int n, String owner) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(pod("zk-" + i, true, owner));
    }
    return out;
  }

  static final Map<String, ObjectNode> WORKLOADS = new HashMap<>();

  static {
    WORKLOADS.put("StatefulSet/zk", obj("{'metadata':{'name':'zk','namespace':'d','uid':'uid-zk'},'spec':{'replicas':3}}"));
    WORKLOADS.put("Deployment/web", obj("{'metadata':{'name':'web','namespace':'d','uid':'uid-web'},'spec':{'replicas':4}}"));
    WORKLOADS.put("ReplicaSet/web-abc", obj("{'metadata':{'name':'web-abc','namespace':'d','uid':'uid-web-abc','ownerReferences':"
        + "[{'apiVersion':'apps/v1','kind':'Deployment','name':'web','uid':'uid-web','controller':true}]},'spec':{'replicas':2}}"));
    WORKLOADS.put("ReplicaSet/solo", obj("{'metadata':{'name':'solo','namespace':'d','uid':'uid-solo'},'spec':{'replicas':5}}"));
    WORKLOADS.put("ConfigMap/cfg", obj("{'metadata':{'name':'cfg','namespace':'d','uid':'uid-cfg'}}"));
  }

  static final ControllerScales SCALES =
      new ControllerScales(CATALOG, (type, ns, name) -> Optional.ofNullable(WORKLOADS.get(type.kind() + "/" + name)));

  /**
   * One row: what the budget says and the pods are, and the status that must result.
   *
   * @param expect "expected/desired/healthy/allowed", or "-" for no write, or "SyncFailed:<message>"
   * @param events the reasons of the events, in order
   */
  record Case(String name, ObjectNode pdb, List<ObjectNode> pods, String expect, List<String> events) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    List<ObjectNode> twoOfThree = new ArrayList<>(ready(2, "sts/zk"));
    List<ObjectNode> evicted = new ArrayList<>(ready(2, "sts/zk"));
    evicted.add(pod("zk-2", true, "sts/zk"));
    List<ObjectNode> terminating = new ArrayList<>(ready(2, "sts/zk"));
    terminating.add(pod("zk-2", true, "sts/zk", ",'deletionTimestamp':'2026-01-01T11:59:50Z'"));
    List<ObjectNode> deployment = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      deployment.add(pod("web-" + i, true, "rs/web-abc"));
    }
    List<ObjectNode> mixed = new ArrayList<>(ready(2, "sts/zk"));
    mixed.add(pod("stray", true, ""));
    List<ObjectNode> unready = new ArrayList<>(ready(2, "sts/zk"));
    unready.add(pod("zk-2", false, "sts/zk"));
    return Stream.of(
        new Case("integer minAvailable counts the pods themselves", pdb(",'minAvailable':2", ""), ready(3, ""),
            "3/2/3/1", List.of()),
        new Case("minAvailable equal to the healthy pods allows nothing", pdb(",'minAvailable':3", ""), ready(3, ""),
            "3/3/3/0", List.of()),
        new Case("maxUnavailable 1 on a StatefulSet of 3", pdb(",'maxUnavailable':1", ""), ready(3, "sts/zk"),
            "3/2/3/1", List.of()),
        new Case("a missing replica counts as unavailable", pdb(",'maxUnavailable':1", ""), twoOfThree,
            "3/2/2/0", List.of()),
        new Case("an unready pod is not healthy", pdb(",'maxUnavailable':1", ""), unready,
            "3/2/2/0", List.of()),
        new Case("minAvailable 50% of 3 rounds up to 2", pdb(",'minAvailable':'50%'", ""), ready(3, "sts/zk"),
            "3/2/3/1", List.of()),
        new Case("maxUnavailable 34% of 3 rounds up to 2", pdb(",'maxUnavailable':'34%'", ""), ready(3, "sts/zk"),
            "3/1/3/2", List.of()),
        new Case("maxUnavailable 0 allows nothing", pdb(",'maxUnavailable':0", ""), ready(3, "sts/zk"),
            "3/3/3/0", List.of()),
        new Case("a Deployment's pods count the Deployment's replicas", pdb(",'maxUnavailable':'25%'", ""), deployment,
            "4/3/4/1", List.of()),
        new Case("a ReplicaSet without a Deployment counts its own", pdb(",'maxUnavailable':1", ""),
            List.of(pod("solo-1", true, "rs/solo")), "5/4/1/0", List.of()),
        new Case("unmanaged pods are reported and not counted", pdb(",'maxUnavailable':1", ""), mixed,
            "3/2/3/1", List.of("UnmanagedPods")),
        new Case("a pod whose controller is gone fails the sync", pdb(",'maxUnavailable':1", ""),
            List.of(pod("zk-0", true, "sts/other")), "SyncFailed:found no controllers for pod \"zk-0\"",
            List.of("CalculateExpectedPodCountFailed")),
        new Case("a kind nothing serves fails the sync", pdb(",'minAvailable':'50%'", ""),
            List.of(pod("x", true, "foo/bar")), "SyncFailed:no matches for kind \"Foo\" in version \"example.com/v1\"",
            List.of("CalculateExpectedPodCountFailed")),
        new Case("a kind without scale fails the sync", pdb(",'maxUnavailable':1", ""),
            List.of(pod("x", true, "cm/cfg")), "SyncFailed:configmaps does not implement the scale subresource",
            List.of("CalculateExpectedPodCountFailed")),
        new Case("terminating pods are not healthy", pdb(",'maxUnavailable':1", ""), terminating,
            "3/2/2/0", List.of()),
        new Case("a pod evicted 30 s ago is not healthy and stays in disruptedPods", pdb(",'maxUnavailable':1",
            "'disruptedPods':{'zk-2':'2026-01-01T11:59:30Z'}"), evicted, "3/2/2/0", List.of()),
        new Case("an eviction not followed by a deletion in 2 minutes expires", pdb(",'maxUnavailable':1",
            "'disruptedPods':{'zk-2':'2026-01-01T11:57:00Z'}"), evicted, "3/2/3/1", List.of("NotDeleted")),
        new Case("no pods: nothing allowed", pdb(",'maxUnavailable':1", ""), List.of(), "0/0/0/0", List.of("NoPods")),
        new Case("neither bound: nothing expected, nothing allowed", pdb("", ""), ready(3, "sts/zk"), "0/0/3/0", List.of()),
        new Case("a current status is not written again", pdb(",'maxUnavailable':1",
            "'observedGeneration':2,'disruptionsAllowed':1,'currentHealthy':3,'desiredHealthy':2,'expectedPods':3,"
                + "'conditions':[{'type':'DisruptionAllowed','status':'True','reason':'SufficientPods','message':'',"
                + "'observedGeneration':2,'lastTransitionTime':'2026-01-01T11:00:00Z'}]"), ready(3, "sts/zk"), "-", List.of()),
        new Case("a new generation is written although the counts are the same", pdb(",'maxUnavailable':1",
            "'observedGeneration':1,'disruptionsAllowed':1,'currentHealthy':3,'desiredHealthy':2,'expectedPods':3,"
                + "'conditions':[{'type':'DisruptionAllowed','status':'True','reason':'SufficientPods','message':'',"
                + "'observedGeneration':1,'lastTransitionTime':'2026-01-01T11:00:00Z'}]"), ready(3, "sts/zk"), "3/2/3/1", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plan(Case c) {
    DisruptionPlanner.Plan plan = DisruptionPlanner.plan(c.pdb(), c.pods(), SCALES, NOW);
    assertThat(plan.events().stream().map(DisruptionPlanner.Event::reason).toList()).isEqualTo(c.events());
    if (c.expect().equals("-")) {
      assertThat(plan.status()).isNull();
      return;
    }
    ObjectNode s = plan.status();
    assertThat(s).isNotNull();
    JsonNode cond = condition(s);
    if (c.expect().startsWith("SyncFailed:")) {
      assertThat(s.path("disruptionsAllowed").asLong()).isZero();
      assertThat(cond.path("status").asText()).isEqualTo("False");
      assertThat(cond.path("reason").asText()).isEqualTo("SyncFailed");
      assertThat(cond.path("message").asText()).isEqualTo(c.expect().substring("SyncFailed:".length()));
      return;
    }
    String[] n = c.expect().split("/");
    assertThat(List.of(s.path("expectedPods").asLong(), s.path("desiredHealthy").asLong(), s.path("currentHealthy").asLong(),
        s.path("disruptionsAllowed").asLong())).isEqualTo(List.of(Long.parseLong(n[0]), Long.parseLong(n[1]),
        Long.parseLong(n[2]), Long.parseLong(n[3])));
    assertThat(s.path("observedGeneration").asLong()).isEqualTo(2);
    boolean allowed = Long.parseLong(n[3]) > 0;
    assertThat(cond.path("status").asText()).isEqualTo(allowed ? "True" : "False");
    assertThat(cond.path("reason").asText()).isEqualTo(allowed ? "SufficientPods" : "InsufficientPods");
    assertThat(cond.path("observedGeneration").asLong()).isEqualTo(2);
  }

  @Test
  void aPendingDisruptionIsLookedAtAgainWhenItExpires() {
    ObjectNode pdb = pdb(",'maxUnavailable':1", "'disruptedPods':{'zk-2':'2026-01-01T11:59:30Z'}");
    List<ObjectNode> pods = new ArrayList<>(ready(3, "sts/zk"));
    DisruptionPlanner.Plan plan = DisruptionPlanner.plan(pdb, pods, SCALES, NOW);
    assertThat(plan.recheckAfter()).isEqualTo(Duration.ofSeconds(90));
    assertThat(plan.status().path("disruptedPods").path("zk-2").asText()).isEqualTo("2026-01-01T11:59:30Z");

    // once the pod terminates, its entry goes and there is nothing to wait for
    pods.set(2, pod("zk-2", true, "sts/zk", ",'deletionTimestamp':'2026-01-01T11:59:50Z'"));
    plan = DisruptionPlanner.plan(pdb, pods, SCALES, NOW);
    assertThat(plan.recheckAfter()).isNull();
    assertThat(plan.status().has("disruptedPods")).isFalse();
    assertThat(plan.status().path("currentHealthy").asLong()).isEqualTo(2);
  }

  @Test
  void theTransitionTimeChangesOnlyWithTheConditionsStatus() {
    ObjectNode pdb = pdb(",'maxUnavailable':1", "'observedGeneration':2,'disruptionsAllowed':1,'currentHealthy':3,"
        + "'conditions':[{'type':'DisruptionAllowed','status':'True','reason':'SufficientPods','message':'',"
        + "'observedGeneration':2,'lastTransitionTime':'2026-01-01T11:00:00Z'}]");
    ObjectNode same = DisruptionPlanner.plan(pdb, ready(3, "sts/zk"), SCALES, NOW).status();
    assertThat(condition(same).path("lastTransitionTime").asText()).isEqualTo("2026-01-01T11:00:00Z");
    ObjectNode flipped = DisruptionPlanner.plan(pdb, ready(2, "sts/zk"), SCALES, NOW).status();
    assertThat(condition(flipped).path("lastTransitionTime").asText()).isEqualTo("2026-01-01T12:00:00Z");
  }

  static JsonNode condition(ObjectNode status) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals("DisruptionAllowed")) {
        return c;
      }
    }
    return Json.object();
  }
}
