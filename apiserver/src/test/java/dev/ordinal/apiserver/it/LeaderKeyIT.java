package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import org.junit.jupiter.api.Test;

/**
 * A leader lock kept in an Endpoints object's annotations, as Patroni's kubernetes DCS keeps it:
 * created by the first contender (the others get AlreadyExists), renewed and handed over by
 * strategic merge patches that carry the resourceVersion they were computed from (a stale one is
 * a 409), the address replaced in the same write, a null annotation or label removing it.
 */
class LeaderKeyIT extends ApiServerTestBase {
  static final String EP = "/api/v1/namespaces/default/endpoints";
  static final String SMP = "application/strategic-merge-patch+json";

  static JsonNode json(String body) throws Exception {
    return Json.MAPPER.readTree(body);
  }

  @Test
  void theLockIsTakenOnceAndHandedOverOnlyFromTheVersionItWasReadAt() throws Exception {
    String create = "{'metadata':{'name':'pg','labels':{'app':'pg'},'annotations':{'leader':'pg-0','ttl':'30'}},"
        + "'subsets':[{'addresses':[{'ip':'10.88.0.2'}],'ports':[{'name':'postgresql','port':5432}]}]}";
    var first = api.send("POST", EP, "application/json", create.replace('\'', '"'));
    assertThat(first.statusCode()).isEqualTo(201);
    var second = api.send("POST", EP, "application/json", create.replace("pg-0", "pg-1").replace('\'', '"'));
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(json(second.body()).path("reason").asText()).isEqualTo("AlreadyExists");

    String rv = json(first.body()).path("metadata").path("resourceVersion").asText();
    String renew = "{'metadata':{'name':'pg','resourceVersion':'" + rv + "','annotations':{'renewTime':'t1'}}}";
    var renewed = api.send("PATCH", EP + "/pg", SMP, renew.replace('\'', '"'));
    assertThat(renewed.statusCode()).isEqualTo(200);

    // a contender that read the lock before the renewal loses the race
    String takeover = "{'metadata':{'name':'pg','resourceVersion':'" + rv + "','annotations':{'leader':'pg-1'}},"
        + "'subsets':[{'addresses':[{'ip':'10.88.0.3'}],'ports':[{'name':'postgresql','port':5432}]}]}";
    var stale = api.send("PATCH", EP + "/pg", SMP, takeover.replace('\'', '"'));
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(json(stale.body()).path("reason").asText()).isEqualTo("Conflict");

    String now = json(renewed.body()).path("metadata").path("resourceVersion").asText();
    var taken = api.send("PATCH", EP + "/pg", SMP, takeover.replace(rv, now).replace('\'', '"'));
    assertThat(taken.statusCode()).isEqualTo(200);
    JsonNode ep = json(taken.body());
    assertThat(ep.path("metadata").path("annotations").path("leader").asText()).isEqualTo("pg-1");
    assertThat(ep.path("metadata").path("annotations").path("ttl").asText()).as("kept").isEqualTo("30");
    assertThat(ep.path("subsets")).hasSize(1);
    assertThat(ep.path("subsets").path(0).path("addresses")).hasSize(1);
    assertThat(ep.path("subsets").path(0).path("addresses").path(0).path("ip").asText()).isEqualTo("10.88.0.3");

    // giving the lock up: the annotation and the addresses go
    var released = api.send("PATCH", EP + "/pg", SMP, "{'metadata':{'annotations':{'leader':null}},'subsets':[]}".replace('\'', '"'));
    assertThat(released.statusCode()).isEqualTo(200);
    assertThat(json(released.body()).path("metadata").path("annotations").has("leader")).isFalse();
    assertThat(json(released.body()).path("subsets").isEmpty()).isTrue();
  }

  @Test
  void aMemberRemovesItsRoleLabelWithANull() throws Exception {
    var cm = api.send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
        "{'metadata':{'name':'member','labels':{'app':'pg','role':'master'}}}".replace('\'', '"'));
    assertThat(cm.statusCode()).isEqualTo(201);
    var patched = api.send("PATCH", "/api/v1/namespaces/default/configmaps/member", SMP,
        "{'metadata':{'labels':{'role':null},'annotations':{'status':'{\\'state\\':\\'running\\'}'}}}".replace('\'', '"'));
    assertThat(patched.statusCode()).isEqualTo(200);
    JsonNode meta = json(patched.body()).path("metadata");
    assertThat(meta.path("labels").has("role")).isFalse();
    assertThat(meta.path("labels").path("app").asText()).isEqualTo("pg");
    assertThat(meta.path("annotations").path("status").asText()).isEqualTo("{\"state\":\"running\"}");
  }
}
