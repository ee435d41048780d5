package dev.ordinal.apiserver.it;

import static dev.ordinal.apiserver.it.PodEvictionIT.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** policy/v1 PodDisruptionBudgets as served: validation with field paths, the Table, protobuf create, status. */
class PodDisruptionBudgetIT extends ApiServerTestBase {
  static final String PDBS = PodEvictionIT.PDBS;

  @AfterEach
  void cleanUp() throws Exception {
    api.send("DELETE", PDBS, null, null);
  }

  static HttpResponse<String> create(String name, String spec) throws Exception {
    return api.send("POST", PDBS, "application/json", ("{'apiVersion':'policy/v1','kind':'PodDisruptionBudget',"
        + "'metadata':{'name':'" + name + "'},'spec':{" + spec + "}}").replace('\'', '"'));
  }

  static List<String> causes(HttpResponse<String> r) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode c : body(r).path("details").path("causes")) {
      out.add(c.path("field").asText() + ": " + c.path("message").asText());
    }
    return out;
  }

  @Test
  void invalidBudgetsAre422WithFieldPaths() throws Exception {
    HttpResponse<String> r = create("both", "'minAvailable':1,'maxUnavailable':1");
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(body(r).path("message").asText()).startsWith("PodDisruptionBudget.policy \"both\" is invalid: spec: Invalid value:")
        .endsWith("minAvailable and maxUnavailable cannot be both set");

    r = create("negative", "'minAvailable':-1");
    assertThat(causes(r)).containsExactly("spec.minAvailable: Invalid value: -1: must be greater than or equal to 0");

    r = create("percent", "'maxUnavailable':'ten'");
    assertThat(causes(r)).containsExactly("spec.maxUnavailable: Invalid value: \"ten\": a valid percent string must be a numeric "
        + "string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");

    r = create("over", "'maxUnavailable':'150%'");
    assertThat(causes(r)).containsExactly("spec.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%");

    r = create("selector", "'minAvailable':1,'selector':{'matchExpressions':[{'key':'app','operator':'Near','values':['zk']},"
        + "{'key':'tier','operator':'In'}]}");
    assertThat(causes(r)).containsExactly(
        "spec.selector.matchExpressions[0].operator: Invalid value: \"Near\": not a valid selector operator",
        "spec.selector.matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");

    r = create("policy", "'minAvailable':1,'unhealthyPodEvictionPolicy':'Sometimes'");
    assertThat(causes(r)).containsExactly("spec.unhealthyPodEvictionPolicy: Unsupported value: \"Sometimes\": supported values: "
        + "\"AlwaysAllow\", \"IfHealthyBudget\"");
  }

  @Test
  void aValidBudgetStartsWithAnEmptyStatusAndGeneration1() throws Exception {
    HttpResponse<String> r = create("zk-pdb", "'maxUnavailable':'34%','selector':{'matchLabels':{'app':'zk'}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode pdb = body(r);
    assertThat(pdb.path("metadata").path("generation").asLong()).isEqualTo(1);
    assertThat(pdb.path("status").path("disruptionsAllowed").asLong()).isZero();
    assertThat(pdb.path("status").path("expectedPods").asLong()).isZero();

    // negative counts in a status write are refused
    ((com.fasterxml.jackson.databind.node.ObjectNode) pdb.path("status")).put("disruptionsAllowed", -1);
    r = api.send("PUT", PDBS + "/zk-pdb/status", "application/json", pdb.toString());
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(causes(r)).containsExactly("status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0");
  }

  @Test
  void theTableHasKubectlsColumns() throws Exception {
    create("by-max", "'maxUnavailable':1,'selector':{'matchLabels':{'app':'zk'}}");
    create("by-min", "'minAvailable':'50%','selector':{'matchLabels':{'app':'zk'}}");
    HttpResponse<String> r = api.get(PDBS, "application/json;as=Table;v=v1;g=meta.k8s.io");
    JsonNode table = body(r);
    List<String> columns = new ArrayList<>();
    table.path("columnDefinitions").forEach(c -> columns.add(c.path("name").asText()));
    assertThat(columns).containsExactly("Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age");
    assertThat(table.path("rows").get(0).path("cells").toString()).startsWith("[\"by-max\",\"N/A\",\"1\",0,");
    assertThat(table.path("rows").get(1).path("cells").toString()).startsWith("[\"by-min\",\"50%\",\"N/A\",0,");
  }

  /**
   * What `kubectl create pdb zk-pdb --selector=app=zk --max-unavailable=1` sends (captured from
   * kubectl 1.32 at -v=8): a protobuf body with an all-zero status, and strVal "" beside intVal 1.
   */
  static final byte[] KUBECTL_CREATE_PDB = HexFormat.of().parseHex(
      "6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e"
          + "427564676574123b0a160a067a6b2d70646212001a0022002a00320038004200"
          + "1215120b0a090a0361707012027a6b1a06080010011a001a0a08001800200028"
          + "0030001a002200");

  @Test
  void kubectlCreatePdbsProtobufBodyIsRead() throws Exception {
    HttpResponse<String> r = api.sendBytes("POST", PDBS, "application/vnd.kubernetes.protobuf", KUBECTL_CREATE_PDB);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode pdb = body(r);
    assertThat(pdb.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
    assertThat(pdb.path("spec").path("maxUnavailable").isInt()).isTrue();
    assertThat(pdb.path("spec").path("selector").path("matchLabels").path("app").asText()).isEqualTo("zk");
    assertThat(pdb.path("spec").has("minAvailable")).isFalse();
  }
}
