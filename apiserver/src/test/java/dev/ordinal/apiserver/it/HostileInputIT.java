package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of malformed and hostile requests: each gets a Kubernetes Status with the right code,
 * none gets a stack trace, and afterwards the stored objects are exactly what they were.
 */
class HostileInputIT extends ApiServerTestBase {

  static final String STS = """
      {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"victim","labels":{"app":"v"}},
       "spec":{"serviceName":"victim","replicas":2,"selector":{"matchLabels":{"app":"v"}},
       "template":{"metadata":{"labels":{"app":"v"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""";

  @BeforeAll
  static void seed() throws Exception {
    assertThat(api.send("POST", "/apis/apps/v1/namespaces/default/statefulsets", "application/json", STS).statusCode()).isEqualTo(201);
    api.client.configMaps().resource(CrudIT.configMap("bystander")).create();
  }


  /** Every object in the store with its resourceVersion. */
  static TreeMap<String, String> snapshot() throws Exception {
    TreeMap<String, String> out = new TreeMap<>();
    for (String path : List.of("/apis/apps/v1/statefulsets", "/api/v1/configmaps", "/api/v1/namespaces", "/api/v1/pods")) {
      JsonNode list = Json.MAPPER.readTree(api.get(path, null).body());
      for (JsonNode item : list.path("items")) {
        out.put(path + "/" + item.path("metadata").path("name").asText(), item.path("metadata").path("resourceVersion").asText());
      }
    }
    return out;
  }

  record Attempt(String method, String path, String contentType, String body, Set<Integer> expected) {}

  @Test
  void hostileRequestsAreRefusedAndChangeNothing() throws Exception {
    TreeMap<String, String> before = snapshot();
    List<Attempt> attempts = new ArrayList<>();
    String coll = "/apis/apps/v1/namespaces/default/statefulsets";
    String obj = coll + "/victim";
    for (int cut = 1; cut < STS.length(); cut += 3) {
      attempts.add(new Attempt("POST", coll, "application/json", STS.substring(0, cut), Set.of(400)));
      attempts.add(new Attempt("PUT", obj, "application/json", STS.substring(0, cut), Set.of(400)));
    }
    String huge = "x".repeat(300_000);
    attempts.add(new Attempt("PATCH", obj, "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"big\":\"" + huge + "\"}}}", Set.of(422)));
    attempts.add(new Attempt("PATCH", obj, "application/merge-patch+json", "{\"metadata\":{\"annotations\":{\"big\":\"" + huge + "\"}}}", Set.of(422)));
    attempts.add(new Attempt("POST", coll, "application/json", "{\"a\":\"" + "y".repeat(3 * 1024 * 1024) + "\"}", Set.of(413)));
    attempts.add(new Attempt("PATCH", obj, "application/merge-patch+json", "{\"spec\":{\"replicas\":\"three\"}}", Set.of(400)));
    attempts.add(new Attempt("PATCH", obj, "application/merge-patch+json", "{\"spec\":{\"replicas\":-1}}", Set.of(422)));
    attempts.add(new Attempt("PATCH", obj, "application/merge-patch+json", "{\"spec\":{\"template\":{\"spec\":{\"containers\":\"none\"}}}}", Set.of(400)));
    attempts.add(new Attempt("PATCH", obj, "application/merge-patch+json", "{\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"other\"}}}}", Set.of(422)));
    attempts.add(new Attempt("PATCH", obj, "application/json-patch+json", "[{\"op\":\"remove\",\"path\":\"/spec/nothing\"}]", Set.of(422, 400)));
    attempts.add(new Attempt("PATCH", obj, "application/json-patch+json", "{\"op\":\"add\"}", Set.of(400, 422)));
    attempts.add(new Attempt("PATCH", obj, "application/strategic-merge-patch+json", "[1,2]", Set.of(400, 422)));
    attempts.add(new Attempt("PATCH", obj, "application/strategic-merge-patch+json", "{\"spec\":{\"$patch\":\"explode\"}}", Set.of(400, 422)));
    attempts.add(new Attempt("PATCH", obj, "text/plain", "hello", Set.of(415)));
    attempts.add(new Attempt("POST", coll, "application/json", "[]", Set.of(400)));
    attempts.add(new Attempt("POST", coll, "application/json", "\"string\"", Set.of(400)));
    attempts.add(new Attempt("POST", coll, "application/json", "null", Set.of(400)));
    attempts.add(new Attempt("POST", coll, "application/json", "", Set.of(400)));
    attempts.add(new Attempt("POST", coll, "application/json", "[".repeat(5000) + "]".repeat(5000), Set.of(400)));
    attempts.add(new Attempt("POST", coll, "application/json", STS.replace("apps/v1", "v1"), Set.of(400)));
    attempts.add(new Attempt("POST", coll, "application/json", STS, Set.of(409)));
    attempts.add(new Attempt("PUT", coll + "/other", "application/json", STS, Set.of(400)));
    attempts.add(new Attempt("POST", "/apis/apps/v1/namespaces/elsewhere/statefulsets", "application/json", STS, Set.of(400, 404)));
    attempts.add(new Attempt("POST", "/api/v1/namespaces/default/configmaps", "application/yaml", "a: [b\n  c: {", Set.of(400)));
    for (String name : List.of("../../etc/passwd", "a/b", "%2e%2e", "UPPER", "ünïcødé", "a".repeat(300), "-lead", "trail-", "dot..dot",
        "\u0000nul", "😀", "x y")) {
      String json = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":" + Json.string(name) + "}}";
      attempts.add(new Attempt("POST", "/api/v1/namespaces/default/configmaps", "application/json", json, Set.of(422)));
    }
    // dot segments resolve: this is GET (a list, 200) and DELETE (refused, 405) of all configmaps
    attempts.add(new Attempt("DELETE", "/api/v1/namespaces/../configmaps", null, null, Set.of(405)));
    for (String path : List.of("/api/v1/namespaces/default/configmaps/..%2F..%2Fsecrets",
        "/api/v1/namespaces/default/configmaps/%00", "/apis/nope/v1/things", "/api/v9/pods", "/api/v1/namespaces/default/pods/a/b/c/d",
        "/api/v1/namespaces/default/configmaps/bystander/status", "/apis/apps/v1/namespaces/default/statefulsets/victim/nope")) {
      attempts.add(new Attempt("GET", path, null, null, Set.of(400, 404)));
      attempts.add(new Attempt("DELETE", path, null, null, Set.of(400, 404, 405)));
    }
    attempts.add(new Attempt("GET", "/api/v1/configmaps?labelSelector=a%20in%20(", null, null, Set.of(400)));
    attempts.add(new Attempt("GET", "/api/v1/configmaps?fieldSelector=spec.nope%3Dx", null, null, Set.of(400)));
    attempts.add(new Attempt("GET", "/api/v1/configmaps?limit=abc", null, null, Set.of(400)));
    attempts.add(new Attempt("GET", "/api/v1/configmaps?continue=%21%21%21", null, null, Set.of(400)));
    attempts.add(new Attempt("GET", "/api/v1/configmaps?watch=1&resourceVersion=abc", null, null, Set.of(400)));
    attempts.add(new Attempt("DELETE", obj, "application/json", "{\"propagationPolicy\":\"Sideways\"}", Set.of(400)));
    attempts.add(new Attempt("DELETE", obj, "application/json", "{\"preconditions\":{\"uid\":\"not-the-uid\"}}", Set.of(409)));
    attempts.add(new Attempt("POST", coll + "?dryRun=Maybe", "application/json", STS, Set.of(400)));

    HttpClient http = HttpClient.newHttpClient();
    int checked = 0;
    for (Attempt a : attempts) {
      HttpResponse<String> r;
      try {
        r = api.send(a.method(), a.path(), a.contentType(), a.body());
      } catch (java.io.IOException e) {
        throw new AssertionError("no answer to " + a.method() + " " + a.path(), e);
      }
      assertThat(a.expected()).as("%s %s %s -> %s %s", a.method(), a.path(),
          a.body() == null ? "" : a.body().substring(0, Math.min(80, a.body().length())), r.statusCode(), r.body()).contains(r.statusCode());
      JsonNode status = Json.MAPPER.readTree(r.body());
      assertThat(status.path("kind").asText()).as(r.body()).isEqualTo("Status");
      assertThat(status.path("code").asInt()).isEqualTo(r.statusCode());
      assertThat(r.body()).doesNotContain("at dev.ordinal", "Exception");
      checked++;
    }
    for (String token : List.of("", "Bearer wrong", "Basic dGVzdDp0ZXN0", "Bearer " + TestApiServer.TOKEN + "x")) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/namespaces/default/configmaps"));
      if (!token.isEmpty()) {
        b.header("Authorization", token);
      }
      HttpResponse<String> r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(Json.MAPPER.readTree(r.body()).path("reason").asText()).isEqualTo("Unauthorized");
      checked++;
    }
    assertThat(checked).isGreaterThan(200);
    assertThat(snapshot()).isEqualTo(before);
  }
}
