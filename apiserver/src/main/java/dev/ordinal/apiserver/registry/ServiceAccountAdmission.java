package dev.ordinal.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.errors.ApiException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Upstream's ServiceAccount admission on pod create: the pod runs as {@code spec.serviceAccountName}
 * (default {@code default}), which must exist, and unless the pod or else its ServiceAccount says
 * {@code automountServiceAccountToken: false}, a projected volume {@code kube-api-access-XXXXX}
 * (a bound token that expires after 3607 s, the cluster CA from {@code kube-root-ca.crt}, the
 * namespace) is mounted read-only at {@value #MOUNT_PATH} in every container and init container
 * that does not mount something there already. A pod without {@code imagePullSecrets} gets its
 * ServiceAccount's. Pure apart from the lookup.
 */
public final class ServiceAccountAdmission {
  public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  public static final String VOLUME_PREFIX = "kube-api-access-";
  public static final String ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
  /** Upstream's: an hour, plus a few seconds that mark the token as one the admission asked for. */
  public static final long TOKEN_EXPIRATION_SECONDS = 3607;
  // upstream's utilrand alphabet: no vowels, no look-alikes
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private ServiceAccountAdmission() {}

  /** Five random characters of upstream's alphabet. */
  public static String randomSuffix() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }

  /**
   * Admits {@code pod} (changed in place).
   *
   * @param serviceAccount the namespace's ServiceAccount of a name, if it exists
   * @throws ApiException 403 when the ServiceAccount does not exist, as upstream
   */
  public static void admit(ObjectNode pod, Function<String, Optional<ObjectNode>> serviceAccount, Supplier<String> suffix) {
    JsonNode meta = pod.path("metadata");
    if (meta.path("annotations").has("kubernetes.io/config.mirror")) {
      return; // mirror pods are the kubelet's, left alone as upstream
    }
    ObjectNode spec = pod.with("spec");
    String name = spec.path("serviceAccountName").asText("");
    if (name.isEmpty()) {
      name = spec.path("serviceAccount").asText(""); // the deprecated alias, still honoured
    }
    if (name.isEmpty()) {
      name = "default";
    }
    spec.put("serviceAccountName", name);
    spec.put("serviceAccount", name);
    String ns = meta.path("namespace").asText();
    ObjectNode sa = serviceAccount.apply(name).orElse(null);
    if (sa == null) {
      throw ApiException.forbidden("pods \"" + meta.path("name").asText() + "\" is forbidden: error looking up service account "
          + ns + "/" + name + ": serviceaccount \"" + name + "\" not found");
    }
    if (spec.path("imagePullSecrets").isEmpty() && !sa.path("imagePullSecrets").isEmpty()) {
      spec.set("imagePullSecrets", sa.path("imagePullSecrets").deepCopy());
    }
    if (!automounts(spec, sa)) {
      return;
    }
    String volume = null;
    for (JsonNode v : spec.path("volumes")) {
      if (v.path("name").asText().startsWith(VOLUME_PREFIX) && v.has("projected")) {
        volume = v.path("name").asText(); // already there (a pod re-created from its own output)
      }
    }
    if (volume == null) {
      volume = VOLUME_PREFIX + suffix.get();
      spec.withArray("volumes").add(projectedVolume(volume));
    }
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : spec.path(list)) {
        if (c instanceof ObjectNode container && !mountsAtTokenPath(container)) {
          container.withArray("volumeMounts").addObject().put("name", volume).put("readOnly", true).put("mountPath", MOUNT_PATH);
        }
      }
    }
  }

  /** The pod's own setting wins over its ServiceAccount's; both absent means yes. */
  static boolean automounts(JsonNode podSpec, JsonNode serviceAccount) {
    if (podSpec.path("automountServiceAccountToken").isBoolean()) {
      return podSpec.path("automountServiceAccountToken").asBoolean();
    }
    return serviceAccount.path("automountServiceAccountToken").asBoolean(true);
  }

  private static boolean mountsAtTokenPath(JsonNode container) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("mountPath").asText().replaceAll("/+$", "").equals(MOUNT_PATH)) {
        return true;
      }
    }
    return false;
  }

  static ObjectNode projectedVolume(String name) {
    ObjectNode v = dev.ordinal.api.Json.object();
    v.put("name", name);
    ObjectNode projected = v.putObject("projected");
    projected.put("defaultMode", 420);
    ArrayNode sources = projected.putArray("sources");
    sources.addObject().putObject("serviceAccountToken").put("expirationSeconds", TOKEN_EXPIRATION_SECONDS).put("path", "token");
    ObjectNode cm = sources.addObject().putObject("configMap");
    cm.put("name", ROOT_CA_CONFIG_MAP).putArray("items").addObject().put("key", "ca.crt").put("path", "ca.crt");
    sources.addObject().putObject("downwardAPI").putArray("items").addObject().put("path", "namespace").putObject("fieldRef")
        .put("apiVersion", "v1").put("fieldPath", "metadata.namespace");
    return v;
  }
}
