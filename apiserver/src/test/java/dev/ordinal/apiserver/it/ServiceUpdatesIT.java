package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Service's cluster IP across updates over HTTP, as upstream's service registry keeps it: kept
 * when a replacement omits it, immutable otherwise, cleared and freed when the Service becomes
 * ExternalName, allocated when it stops being one; headless stays headless.
 */
class ServiceUpdatesIT extends ApiServerTestBase {
  static final String PATH = "/api/v1/namespaces/default/services";

  /** One step: a PUT of {@code spec} (merged into a fixed name and port), and what it must give. */
  record Step(String spec, int code, String clusterIp, String message) {}

  static String manifest(String name, String spec) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + spec + "}";
  }

  static final String CLUSTER_IP = "{\"selector\":{\"app\":\"a\"},\"ports\":[{\"port\":80}]}";
  static final String EXTERNAL = "{\"type\":\"ExternalName\",\"externalName\":\"db.example.com\"}";

  JsonNode create(String name, String spec) throws Exception {
    HttpResponse<String> r = api.send("POST", PATH, "application/json", manifest(name, spec));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return Json.MAPPER.readTree(r.body());
  }

  HttpResponse<String> replace(String name, String spec) throws Exception {
    return api.send("PUT", PATH + "/" + name, "application/json", manifest(name, spec));
  }

  /** Runs the steps on one Service; "ALLOCATED" stands for the address the Service got when created. */
  void run(String name, String createSpec, List<Step> steps) throws Exception {
    JsonNode created = create(name, createSpec);
    String allocated = created.path("spec").path("clusterIP").asText("");
    for (Step step : steps) {
      String spec = step.spec().replace("ALLOCATED", allocated);
      HttpResponse<String> r = replace(name, spec);
      JsonNode body = Json.MAPPER.readTree(r.body());
      assertThat(r.statusCode()).as("%s: PUT %s -> %s", name, spec, r.body()).isEqualTo(step.code());
      if (step.code() != 200) {
        assertThat(body.path("message").asText()).isEqualTo(step.message().replace("ALLOCATED", allocated));
        continue;
      }
      JsonNode got = body.path("spec");
      String expected = step.clusterIp().replace("ALLOCATED", allocated);
      if (expected.isEmpty()) {
        assertThat(got.has("clusterIP")).as(r.body()).isFalse();
        assertThat(got.has("clusterIPs")).as(r.body()).isFalse();
        assertThat(got.has("ipFamilies")).as(r.body()).isFalse();
        assertThat(got.has("ipFamilyPolicy")).as(r.body()).isFalse();
      } else if (expected.equals("NEW")) {
        assertThat(got.path("clusterIP").asText()).startsWith("10.").isNotEqualTo("None");
        assertThat(got.path("clusterIPs").toString()).isEqualTo("[\"" + got.path("clusterIP").asText() + "\"]");
      } else {
        assertThat(got.path("clusterIP").asText()).as(r.body()).isEqualTo(expected);
        assertThat(got.path("clusterIPs").toString()).isEqualTo("[\"" + expected + "\"]");
      }
    }
    api.client.services().withName(name).delete();
  }

  @Test
  void clusterIpServiceKeepsItsAddressWhenAReplacementOmitsIt() throws Exception {
    run("keep", CLUSTER_IP, List.of(
        new Step(CLUSTER_IP, 200, "ALLOCATED", ""),
        new Step("{\"clusterIP\":\"\",\"ports\":[{\"port\":81}]}", 200, "ALLOCATED", ""),
        new Step("{\"clusterIP\":\"ALLOCATED\",\"ports\":[{\"port\":80}]}", 200, "ALLOCATED", ""),
        new Step("{\"clusterIP\":\"10.96.3.3\",\"ports\":[{\"port\":80}]}", 422, "",
            "Service \"keep\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.96.3.3\"}: may not change once set"),
        new Step("{\"clusterIP\":\"None\",\"ports\":[{\"port\":80}]}", 422, "",
            "Service \"keep\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"None\"}: may not change once set")));
  }

  @Test
  void headlessStaysHeadless() throws Exception {
    run("headless", "{\"clusterIP\":\"None\",\"selector\":{\"app\":\"a\"}}", List.of(
        new Step("{\"selector\":{\"app\":\"b\"}}", 200, "None", ""),
        new Step("{\"clusterIP\":\"None\",\"selector\":{\"app\":\"b\"}}", 200, "None", ""),
        new Step("{\"clusterIP\":\"10.96.3.4\",\"ports\":[{\"port\":80}]}", 422, "",
            "Service \"headless\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.96.3.4\"}: may not change once set")));
  }

  @Test
  void becomingExternalNameReleasesTheAddressForReuse() throws Exception {
    JsonNode first = create("first", CLUSTER_IP);
    String ip = first.path("spec").path("clusterIP").asText();
    // a full object as read, with only the type changed: the address fields are cleared for it
    ObjectNode edited = (ObjectNode) first.deepCopy();
    ((ObjectNode) edited.path("spec")).put("type", "ExternalName").put("externalName", "db.example.com");
    HttpResponse<String> r = api.send("PUT", PATH + "/first", "application/json", Json.MAPPER.writeValueAsString(edited));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode spec = Json.MAPPER.readTree(r.body()).path("spec");
    assertThat(spec.has("clusterIP") || spec.has("clusterIPs") || spec.has("ipFamilies") || spec.has("ipFamilyPolicy")
        || spec.has("internalTrafficPolicy")).as(r.body()).isFalse();
    // the address is free: another Service may ask for it
    assertThat(create("second", "{\"clusterIP\":\"" + ip + "\",\"ports\":[{\"port\":80}]}").path("spec").path("clusterIP").asText())
        .isEqualTo(ip);
    // and the first Service, back to ClusterIP, gets a new one
    r = replace("first", CLUSTER_IP);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String again = Json.MAPPER.readTree(r.body()).path("spec").path("clusterIP").asText();
    assertThat(again).startsWith("10.96.").isNotEqualTo(ip);
    api.client.services().withName("first").delete();
    api.client.services().withName("second").delete();
  }

  @Test
  void typeChangesBetweenClusterIpAndExternalName() throws Exception {
    run("flip", CLUSTER_IP, List.of(
        new Step(EXTERNAL, 200, "", ""),
        new Step("{\"type\":\"ExternalName\",\"externalName\":\"other.example.com.\"}", 200, "", ""),
        new Step(CLUSTER_IP, 200, "NEW", ""),
        new Step("{\"type\":\"ExternalName\",\"externalName\":\"db.example.com\",\"clusterIP\":\"10.96.3.5\"}", 422, "",
            "Service \"flip\" is invalid: spec.clusterIPs: Forbidden: may not be set for ExternalName services"),
        new Step("{\"type\":\"ExternalName\"}", 422, "", "Service \"flip\" is invalid: spec.externalName: Required value"),
        new Step(EXTERNAL, 200, "", ""),
        new Step("{\"clusterIP\":\"10.96.3.6\",\"ports\":[{\"port\":80}]}", 200, "10.96.3.6", ""),
        new Step(EXTERNAL, 200, "", ""),
        new Step("{\"clusterIP\":\"None\",\"selector\":{\"app\":\"a\"}}", 200, "None", ""),
        new Step(EXTERNAL, 200, "", "")));
  }

  @Test
  void externalNameServicesHaveNoAddress() throws Exception {
    JsonNode created = create("ext", EXTERNAL);
    assertThat(created.path("spec").has("clusterIP")).isFalse();
    assertThat(created.path("spec").has("ipFamilies")).isFalse();
    for (String[] bad : new String[][] {
        {"{\"type\":\"ExternalName\"}", "Service \"bad\" is invalid: spec.externalName: Required value"},
        {"{\"type\":\"ExternalName\",\"externalName\":\"db.example.com\",\"clusterIP\":\"10.96.3.7\"}",
            "Service \"bad\" is invalid: spec.clusterIPs: Forbidden: may not be set for ExternalName services"},
        {"{\"type\":\"ExternalName\",\"externalName\":\"Not_A_Name\"}",
            "Service \"bad\" is invalid: spec.externalName: Invalid value: \"Not_A_Name\": a lowercase RFC 1123 subdomain must "
                + "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
                + "character (e.g. 'example.com', regex used for validation is "
                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"}}) {
      HttpResponse<String> r = api.send("POST", PATH, "application/json", manifest("bad", bad[0]));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
      JsonNode status = Json.MAPPER.readTree(r.body());
      assertThat(status.path("message").asText()).isEqualTo(bad[1]);
      assertThat(status.path("details").path("causes").get(0).path("field").asText()).startsWith("spec.");
    }
    api.client.services().withName("ext").delete();
  }
}
