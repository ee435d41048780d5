package dev.ordinal.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.auth.ServiceAccountTokens;
import dev.ordinal.apiserver.errors.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Secrets of type {@code kubernetes.io/service-account-token}, filled in as upstream's tokens
 * controller fills them — {@code token} (a legacy, non-expiring token), {@code ca.crt},
 * {@code namespace} and the {@code kubernetes.io/service-account.uid} annotation — but as they are
 * written rather than a moment later. A Secret naming a ServiceAccount that does not exist (or
 * exists with another uid) is stored unfilled; upstream's controller would delete it.
 */
final class LegacyTokenSecrets {
  static final String NAME_ANNOTATION = "kubernetes.io/service-account.name";
  static final String UID_ANNOTATION = "kubernetes.io/service-account.uid";

  private LegacyTokenSecrets() {}

  static boolean applies(ObjectNode secret) {
    return ServiceAccountTokens.LEGACY_SECRET_TYPE.equals(secret.path("type").asText());
  }

  /** Fills {@code secret} in place (create and update). */
  static void fill(ResourceType type, ObjectNode secret, Function<String, Optional<ObjectNode>> serviceAccount,
      ServiceAccountTokens tokens, String caPem) {
    ObjectNode annotations = Meta.of(secret).with("annotations");
    String name = annotations.path(NAME_ANNOTATION).asText("");
    if (name.isEmpty()) {
      throw ApiException.invalid(type, Meta.name(secret),
          List.of(FieldError.required("metadata.annotations[" + NAME_ANNOTATION + "]", "")));
    }
    ObjectNode sa = serviceAccount.apply(name).orElse(null);
    String uid = annotations.path(UID_ANNOTATION).asText("");
    if (sa == null || (!uid.isEmpty() && !uid.equals(Meta.uid(sa)))) {
      return;
    }
    annotations.put(UID_ANNOTATION, Meta.uid(sa));
    ObjectNode data = secret.with("data");
    if (!data.hasNonNull("token") || data.path("token").asText().isEmpty()) {
      data.put("token", base64(tokens.issueLegacy(sa, Meta.name(secret))));
    }
    if (caPem != null) {
      data.put("ca.crt", base64(caPem));
    }
    data.put("namespace", base64(Meta.namespace(secret)));
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
