package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Node ports over HTTP, as upstream's registry allocates them: given on create from 30000-32767,
 * a port asked for is checked against the other Services', kept across replacements that omit
 * it, and free again when its Service is deleted or becomes ClusterIP.
 */
class ServiceNodePortsIT extends ApiServerTestBase {
  static final String PATH = "/api/v1/namespaces/default/services";

  static String manifest(String name, String spec) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + spec + "}";
  }

  static String nodePort(int asked) {
    return "{\"type\":\"NodePort\",\"selector\":{\"app\":\"a\"},\"ports\":[{\"port\":80" + (asked == 0 ? "" : ",\"nodePort\":" + asked) + "}]}";
  }

  JsonNode create(String name, String spec) throws Exception {
    HttpResponse<String> r = api.send("POST", PATH, "application/json", manifest(name, spec));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return Json.MAPPER.readTree(r.body());
  }

  HttpResponse<String> replace(String name, String spec) throws Exception {
    return api.send("PUT", PATH + "/" + name, "application/json", manifest(name, spec));
  }

  static int port0(JsonNode svc) {
    return svc.path("spec").path("ports").path(0).path("nodePort").asInt(0);
  }

  void delete(String... names) {
    for (String n : names) {
      api.client.services().withName(n).delete();
    }
  }

  @Test
  void aNodePortServiceGetsAPortInTheRange() throws Exception {
    JsonNode svc = create("auto", nodePort(0));
    assertThat(port0(svc)).isBetween(30000, 32767);
    assertThat(svc.path("spec").path("externalTrafficPolicy").asText()).isEqualTo("Cluster");
    assertThat(svc.path("spec").has("allocateLoadBalancerNodePorts")).isFalse();
    delete("auto");
  }

  @Test
  void anExplicitPortIsCheckedAgainstTheOthers() throws Exception {
    assertThat(port0(create("first", nodePort(30080)))).isEqualTo(30080);
    HttpResponse<String> r = api.send("POST", PATH, "application/json", manifest("second", nodePort(30080)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    JsonNode status = Json.MAPPER.readTree(r.body());
    assertThat(status.path("message").asText())
        .isEqualTo("Service \"second\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated");
    assertThat(status.path("details").path("causes").get(0).path("field").asText()).isEqualTo("spec.ports[0].nodePort");
    r = api.send("POST", PATH, "application/json", manifest("second", nodePort(80)));
    assertThat(Json.MAPPER.readTree(r.body()).path("message").asText()).isEqualTo("Service \"second\" is invalid: "
        + "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767");
    // deleting the holder frees it
    delete("first");
    assertThat(port0(create("second", nodePort(30080)))).isEqualTo(30080);
    delete("second");
  }

  @Test
  void tcpAndUdpOfOnePortShareANodePort() throws Exception {
    JsonNode svc = create("dns", "{\"type\":\"NodePort\",\"ports\":[{\"name\":\"tcp\",\"port\":53,\"protocol\":\"TCP\"},"
        + "{\"name\":\"udp\",\"port\":53,\"protocol\":\"UDP\"}]}");
    JsonNode ports = svc.path("spec").path("ports");
    assertThat(ports.path(0).path("nodePort").asInt()).isBetween(30000, 32767).isEqualTo(ports.path(1).path("nodePort").asInt());
    delete("dns");
  }

  @Test
  void aReplacementKeepsItsPortsAndTypeChangesReleaseThem() throws Exception {
    int allocated = port0(create("flip", nodePort(0)));
    // kubectl replace of the manifest as first written: the port stays
    HttpResponse<String> r = replace("flip", nodePort(0));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(port0(Json.MAPPER.readTree(r.body()))).isEqualTo(allocated);
    // the full object with only the type changed: the node port is dropped, and free for another
    JsonNode current = Json.MAPPER.readTree(api.send("GET", PATH + "/flip", null, null).body());
    ObjectNode edited = (ObjectNode) current.deepCopy();
    ((ObjectNode) edited.path("spec")).put("type", "ClusterIP");
    r = api.send("PUT", PATH + "/flip", "application/json", Json.MAPPER.writeValueAsString(edited));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode spec = Json.MAPPER.readTree(r.body()).path("spec");
    assertThat(spec.path("ports").path(0).has("nodePort") || spec.has("externalTrafficPolicy")).as(r.body()).isFalse();
    assertThat(port0(create("taker", nodePort(allocated)))).isEqualTo(allocated);
    // back to NodePort: a new port, since the old one is taken now
    r = replace("flip", nodePort(0));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(port0(Json.MAPPER.readTree(r.body()))).isBetween(30000, 32767).isNotEqualTo(allocated);
    // asking for a taken one on update is refused as on create
    r = replace("flip", nodePort(allocated));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    assertThat(Json.MAPPER.readTree(r.body()).path("message").asText()).isEqualTo(
        "Service \"flip\" is invalid: spec.ports[0].nodePort: Invalid value: " + allocated + ": provided port is already allocated");
    delete("flip", "taker");
  }

  @Test
  void loadBalancers() throws Exception {
    JsonNode lb = create("lb", "{\"type\":\"LoadBalancer\",\"ports\":[{\"port\":8080}]}");
    assertThat(port0(lb)).isBetween(30000, 32767);
    assertThat(lb.path("spec").path("allocateLoadBalancerNodePorts").asBoolean()).isTrue();
    assertThat(lb.path("status").path("loadBalancer").isEmpty()).isTrue();
    JsonNode bare = create("bare", "{\"type\":\"LoadBalancer\",\"allocateLoadBalancerNodePorts\":false,\"ports\":[{\"port\":8081}]}");
    assertThat(bare.path("spec").path("ports").path(0).has("nodePort")).isFalse();
    JsonNode local = create("local", "{\"type\":\"LoadBalancer\",\"externalTrafficPolicy\":\"Local\",\"ports\":[{\"port\":8082}]}");
    assertThat(local.path("spec").path("healthCheckNodePort").asInt()).isBetween(30000, 32767).isNotEqualTo(port0(local));
    HttpResponse<String> r = api.send("POST", PATH, "application/json",
        manifest("headless", "{\"type\":\"LoadBalancer\",\"clusterIP\":\"None\",\"ports\":[{\"port\":80}]}"));
    assertThat(Json.MAPPER.readTree(r.body()).path("message").asText())
        .isEqualTo("Service \"headless\" is invalid: spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services");
    delete("lb", "bare", "local");
  }
}
