package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pods/eviction subresource against budgets whose status the test writes (the disruption
 * controller is not running here): upstream's answers for no budget, one, several, a spent one,
 * unready and pending pods, and the bodies kubectl sends.
 */
class PodEvictionIT extends ApiServerTestBase {
  static final String PODS = "/api/v1/namespaces/default/pods";
  static final String PDBS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";
  static final AtomicInteger SEQ = new AtomicInteger();

  @AfterEach
  void cleanUp() throws Exception {
    api.send("DELETE", PDBS, null, null);
    api.send("DELETE", PODS + "?gracePeriodSeconds=0", null, null);
  }

  static ObjectNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  static JsonNode body(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  /** A pod on node n1 in the given phase, Ready or not, labelled app=zk. */
  static String pod(String phase, boolean ready) throws Exception {
    String name = "zk-" + SEQ.incrementAndGet();
    HttpResponse<String> r = api.send("POST", PODS, "application/json", ("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'"
        + name + "','labels':{'app':'zk'}},'spec':{'nodeName':'n1','containers':[{'name':'c','image':'zk'}]}}").replace('\'', '"'));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    ObjectNode p = (ObjectNode) body(r);
    p.putObject("status").put("phase", phase).putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False");
    r = api.send("PUT", PODS + "/" + name + "/status", "application/json", p.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return name;
  }

  /** A budget over app=zk with the given spec fields, and the status the controller would have written. */
  static void budget(String name, String spec, long allowed, long current, long desired) throws Exception {
    HttpResponse<String> r = api.send("POST", PDBS, "application/json", ("{'apiVersion':'policy/v1','kind':'PodDisruptionBudget',"
        + "'metadata':{'name':'" + name + "'},'spec':{'selector':{'matchLabels':{'app':'zk'}}" + spec + "}}").replace('\'', '"'));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    ObjectNode pdb = (ObjectNode) body(r);
    pdb.putObject("status").put("observedGeneration", 1).put("disruptionsAllowed", allowed).put("currentHealthy", current)
        .put("desiredHealthy", desired).put("expectedPods", 3);
    r = api.send("PUT", PDBS + "/" + name + "/status", "application/json", pdb.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  static HttpResponse<String> evict(String pod, String deleteOptions) throws Exception {
    return api.send("POST", PODS + "/" + pod + "/eviction", "application/json", ("{'apiVersion':'policy/v1','kind':'Eviction',"
        + "'metadata':{'name':'" + pod + "','namespace':'default'}" + deleteOptions + "}").replace('\'', '"'));
  }

  static JsonNode get(String path) throws Exception {
    HttpResponse<String> r = api.get(path, null);
    return r.statusCode() == 404 ? null : body(r);
  }

  static boolean terminating(String pod) throws Exception {
    JsonNode p = get(PODS + "/" + pod);
    return p == null || p.path("metadata").has("deletionTimestamp");
  }

  @Test
  void withoutABudgetThePodIsDeletedWithTheEvictionsDeleteOptions() throws Exception {
    String pod = pod("Running", true);
    HttpResponse<String> r = evict(pod, ",'deleteOptions':{'gracePeriodSeconds':0}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(body(r).path("status").asText()).isEqualTo("Success");
    assertThat(get(PODS + "/" + pod)).isNull(); // grace 0: gone at once
  }

  @Test
  void aBudgetWithADisruptionLeftLetsOnePodGoAndRecordsIt() throws Exception {
    String first = pod("Running", true);
    String second = pod("Running", true);
    budget("zk-pdb", ",'maxUnavailable':1", 1, 3, 2);
    HttpResponse<String> r = evict(first, "");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(terminating(first)).isTrue();
    JsonNode evicted = get(PODS + "/" + first);
    JsonNode target = null;
    for (JsonNode c : evicted.path("status").path("conditions")) {
      if (c.path("type").asText().equals("DisruptionTarget")) {
        target = c;
      }
    }
    assertThat(target).isNotNull();
    assertThat(target.path("reason").asText()).isEqualTo("EvictionByEvictionAPI");
    JsonNode status = get(PDBS + "/zk-pdb").path("status");
    assertThat(status.path("disruptionsAllowed").asLong()).isZero();
    assertThat(status.path("disruptedPods").has(first)).isTrue();
    assertThat(status.path("conditions").get(0).path("reason").asText()).isEqualTo("InsufficientPods");

    // the budget is spent: 429 with upstream's message and cause, and the pod stays
    r = evict(second, "");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
    JsonNode s = body(r);
    assertThat(s.path("reason").asText()).isEqualTo("TooManyRequests");
    assertThat(s.path("message").asText()).isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
    assertThat(s.path("details").path("causes").get(0).path("reason").asText()).isEqualTo("DisruptionBudget");
    assertThat(s.path("details").path("causes").get(0).path("message").asText())
        .isEqualTo("The disruption budget zk-pdb needs 2 healthy pods and has 3 currently");
    assertThat(terminating(second)).isFalse();
  }

  @Test
  void severalBudgetsAreRefusedWith500() throws Exception {
    String pod = pod("Running", true);
    budget("one", ",'maxUnavailable':1", 1, 3, 2);
    budget("two", ",'minAvailable':1", 2, 3, 1);
    HttpResponse<String> r = evict(pod, "");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(body(r).path("message").asText())
        .isEqualTo("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
    assertThat(body(r).has("reason")).isFalse();
    assertThat(terminating(pod)).isFalse();
  }

  @Test
  void aBudgetTheControllerHasNotSeenYetAsksToComeBack() throws Exception {
    String pod = pod("Running", true);
    budget("zk-pdb", ",'maxUnavailable':1", 1, 3, 2);
    // a spec change raises the generation past the status' observedGeneration
    ObjectNode pdb = (ObjectNode) get(PDBS + "/zk-pdb");
    ((ObjectNode) pdb.path("spec")).put("maxUnavailable", 2);
    assertThat(api.send("PUT", PDBS + "/zk-pdb", "application/json", pdb.toString()).statusCode()).isEqualTo(200);
    HttpResponse<String> r = evict(pod, "");
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).contains("10");
    assertThat(body(r).path("details").path("causes").get(0).path("message").asText())
        .isEqualTo("The disruption budget zk-pdb is still being processed by the server.");
  }

  @Test
  void unreadyPodsGoWhileTheBudgetIsMetOrWhenThePolicyAlwaysAllows() throws Exception {
    // IfHealthyBudget (the default): met (3 of 2), so the unready pod goes without spending anything
    pod("Running", true);
    pod("Running", true);
    String unready = pod("Running", false);
    budget("zk-pdb", ",'maxUnavailable':1", 0, 3, 2);
    assertThat(evict(unready, "").statusCode()).isEqualTo(201);
    assertThat(terminating(unready)).isTrue();
    assertThat(get(PDBS + "/zk-pdb").path("status").path("disruptionsAllowed").asLong()).isZero();
    assertThat(get(PDBS + "/zk-pdb").path("status").has("disruptedPods")).isFalse();
    api.send("DELETE", PDBS + "/zk-pdb", null, null);

    // not met (1 of 2): it is guarded like a healthy one
    String guarded = pod("Running", false);
    budget("unmet", ",'maxUnavailable':1", 0, 1, 2);
    assertThat(evict(guarded, "").statusCode()).isEqualTo(429);
    assertThat(terminating(guarded)).isFalse();
    api.send("DELETE", PDBS + "/unmet", null, null);

    // AlwaysAllow: it goes however unhealthy the application is
    budget("always", ",'maxUnavailable':1,'unhealthyPodEvictionPolicy':'AlwaysAllow'", 0, 1, 2);
    assertThat(evict(guarded, "").statusCode()).isEqualTo(201);
    assertThat(terminating(guarded)).isTrue();
  }

  /**
   * A quorum service whose leader was just evicted: the other members turn unready together, the
   * budget's status still says met. Each of them is guarded as a healthy one would be.
   */
  @Test
  void unreadyPodsAreGuardedWhenTheOthersAreUnreadyTooWhateverTheStatusSays() throws Exception {
    String first = pod("Running", false);
    String second = pod("Running", false);
    String leader = pod("Running", true);
    assertThat(api.send("DELETE", PODS + "/" + leader, null, null).statusCode()).isEqualTo(200);
    budget("zk-pdb", ",'maxUnavailable':1", 0, 2, 2);
    HttpResponse<String> r = evict(first, "");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
    assertThat(body(r).path("details").path("causes").get(0).path("message").asText())
        .isEqualTo("The disruption budget zk-pdb needs 2 healthy pods and has 2 currently");
    assertThat(evict(second, "").statusCode()).isEqualTo(429);
    assertThat(terminating(first)).isFalse();
    assertThat(terminating(second)).isFalse();

    // once the others are ready again, an unready one goes for free, as upstream lets it
    setReady(second, true);
    String third = pod("Running", true);
    assertThat(evict(first, "").statusCode()).isEqualTo(201);
    assertThat(terminating(first)).isTrue();
    assertThat(terminating(third)).isFalse();
  }

  static void setReady(String name, boolean ready) throws Exception {
    ObjectNode p = (ObjectNode) get(PODS + "/" + name);
    p.putObject("status").put("phase", "Running").putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False");
    HttpResponse<String> r = api.send("PUT", PODS + "/" + name + "/status", "application/json", p.toString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void pendingFinishedAndTerminatingPodsAreEvictedWithoutLookingAtBudgets() throws Exception {
    budget("zk-pdb", ",'maxUnavailable':0", 0, 3, 3);
    String pending = pod("Pending", false);
    String done = pod("Succeeded", false);
    assertThat(evict(pending, "").statusCode()).isEqualTo(201);
    assertThat(evict(done, "").statusCode()).isEqualTo(201);
    assertThat(terminating(pending)).isTrue();
    assertThat(terminating(done)).isTrue();

    String running = pod("Running", true);
    assertThat(evict(running, "").statusCode()).isEqualTo(429);
    // already terminating: evicting it again succeeds
    assertThat(api.send("DELETE", PODS + "/" + running, null, null).statusCode()).isEqualTo(200);
    assertThat(evict(running, "").statusCode()).isEqualTo(201);
  }

  @Test
  void dryRunTakesNothing() throws Exception {
    String pod = pod("Running", true);
    budget("zk-pdb", ",'maxUnavailable':1", 1, 3, 2);
    assertThat(evict(pod, ",'deleteOptions':{'dryRun':['All']}").statusCode()).isEqualTo(201);
    assertThat(terminating(pod)).isFalse();
    assertThat(get(PDBS + "/zk-pdb").path("status").path("disruptionsAllowed").asLong()).isEqualTo(1);
  }

  @Test
  void badEvictionsAreRefused() throws Exception {
    String pod = pod("Running", true);
    HttpResponse<String> r = api.send("POST", PODS + "/" + pod + "/eviction", "application/json",
        "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"other\"}}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(body(r).path("message").asText()).isEqualTo("name in URL does not match name in Eviction object");
    assertThat(evict("nobody", "").statusCode()).isEqualTo(404);
    assertThat(api.send("GET", PODS + "/" + pod + "/eviction", null, null).statusCode()).isEqualTo(405);
    // policy/v1beta1 is accepted too
    r = api.send("POST", PODS + "/" + pod + "/eviction", "application/json",
        "{\"apiVersion\":\"policy/v1beta1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"" + pod + "\"}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  @Test
  void aProtobufEvictionIsRead() throws Exception {
    String pod = pod("Running", true);
    // policy/v1 Eviction{metadata{name, namespace}, deleteOptions{gracePeriodSeconds: 0}} as a protobuf client-go
    // client encodes it (kubectl drain 1.32 sends its Eviction as JSON, checked at -v=8)
    byte[] meta = concat(field(1, pod.getBytes(StandardCharsets.UTF_8)), field(3, "default".getBytes(StandardCharsets.UTF_8)));
    byte[] raw = concat(field(1, meta), field(2, new byte[] {0x08, 0x00}));
    HttpResponse<String> r = api.sendBytes("POST", PODS + "/" + pod + "/eviction", "application/vnd.kubernetes.protobuf",
        envelope("policy/v1", "Eviction", raw));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(get(PODS + "/" + pod)).isNull();
  }

  @Test
  void discoveryListsTheSubresourceAsPolicyV1Eviction() throws Exception {
    JsonNode list = body(api.get("/api/v1", null));
    JsonNode eviction = null;
    for (JsonNode r : list.path("resources")) {
      if (r.path("name").asText().equals("pods/eviction")) {
        eviction = r;
      }
    }
    assertThat(eviction).isNotNull();
    assertThat(eviction.path("group").asText()).isEqualTo("policy");
    assertThat(eviction.path("version").asText()).isEqualTo("v1");
    assertThat(eviction.path("kind").asText()).isEqualTo("Eviction");
    assertThat(eviction.path("verbs").toString()).isEqualTo("[\"create\"]");
  }

  static byte[] field(int number, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((number << 3) | 2);
    out.write(value.length); // every value here is under 128 bytes
    out.writeBytes(value);
    return out.toByteArray();
  }

  static byte[] envelope(String apiVersion, String kind, byte[] raw) {
    byte[] typeMeta = concat(field(1, apiVersion.getBytes(StandardCharsets.UTF_8)), field(2, kind.getBytes(StandardCharsets.UTF_8)));
    return concat("k8s\0".getBytes(StandardCharsets.ISO_8859_1), field(1, typeMeta), field(2, raw));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
