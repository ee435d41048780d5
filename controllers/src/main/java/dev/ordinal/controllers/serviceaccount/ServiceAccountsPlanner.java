package dev.ordinal.controllers.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * What a namespace lacks of what every namespace has: the {@code default} ServiceAccount (upstream's
 * serviceaccounts-controller) and the {@code kube-root-ca.crt} ConfigMap holding the cluster CA
 * (upstream's root-ca-cert-publisher, which also puts back a changed one). Pure.
 */
final class ServiceAccountsPlanner {
  static final String DEFAULT = "default";
  static final String ROOT_CA = "kube-root-ca.crt";
  static final String DESCRIPTION = "kubernetes.io/description";
  /** Upstream's annotation on the ConfigMap, word for word. */
  static final String DESCRIPTION_TEXT = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
      + "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions "
      + "of Kubernetes clusters.";

  /** A write the controller makes. */
  sealed interface Action permits CreateServiceAccount, CreateRootCa, UpdateRootCa {}

  record CreateServiceAccount(ObjectNode serviceAccount) implements Action {}

  record CreateRootCa(ObjectNode configMap) implements Action {}

  /** The stored ConfigMap with the data and annotation put back. */
  record UpdateRootCa(ObjectNode configMap) implements Action {}

  private ServiceAccountsPlanner() {}

  /**
   * @param namespace the namespace, or null when it is gone
   * @param defaultServiceAccount its {@code default} ServiceAccount, or null
   * @param rootCa its {@code kube-root-ca.crt}, or null
   * @param caPem the cluster CA certificate in PEM
   */
  static List<Action> plan(ObjectNode namespace, ObjectNode defaultServiceAccount, ObjectNode rootCa, String caPem) {
    List<Action> out = new ArrayList<>();
    if (namespace == null || namespace.path("metadata").has("deletionTimestamp")
        || namespace.path("status").path("phase").asText("").equals("Terminating")) {
      return out; // nothing new goes into a namespace on its way out
    }
    String ns = namespace.path("metadata").path("name").asText();
    if (defaultServiceAccount == null) {
      ObjectNode sa = Json.object();
      sa.put("apiVersion", "v1").put("kind", "ServiceAccount");
      sa.putObject("metadata").put("name", DEFAULT).put("namespace", ns);
      out.add(new CreateServiceAccount(sa));
    }
    if (rootCa == null) {
      ObjectNode cm = Json.object();
      cm.put("apiVersion", "v1").put("kind", "ConfigMap");
      cm.putObject("metadata").put("name", ROOT_CA).put("namespace", ns).putObject("annotations").put(DESCRIPTION, DESCRIPTION_TEXT);
      cm.putObject("data").put("ca.crt", caPem);
      out.add(new CreateRootCa(cm));
    } else if (!isCurrent(rootCa, caPem)) {
      ObjectNode cm = rootCa.deepCopy();
      cm.putObject("data").put("ca.crt", caPem); // as upstream: exactly the one key
      cm.remove("binaryData");
      ((ObjectNode) cm.path("metadata")).with("annotations").put(DESCRIPTION, DESCRIPTION_TEXT);
      out.add(new UpdateRootCa(cm));
    }
    return out;
  }

  private static boolean isCurrent(ObjectNode cm, String caPem) {
    JsonNode data = cm.path("data");
    return data.size() == 1 && data.path("ca.crt").asText("").equals(caPem) && !cm.has("binaryData")
        && cm.path("metadata").path("annotations").path(DESCRIPTION).asText("").equals(DESCRIPTION_TEXT);
  }
}
