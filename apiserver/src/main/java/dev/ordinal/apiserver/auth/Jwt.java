package dev.ordinal.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** JWS compact serialization with ES256, the little of RFC 7515/7519 that ServiceAccount tokens use. */
final class Jwt {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private Jwt() {}

  static String sign(ObjectNode claims, SigningKey key) {
    ObjectNode header = Json.object();
    header.put("alg", SigningKey.ALGORITHM).put("kid", key.keyId());
    String input = part(header) + "." + part(claims);
    return input + "." + ENCODER.encodeToString(key.sign(input.getBytes(StandardCharsets.US_ASCII)));
  }

  /** The claims of a token signed by {@code key}; empty when it is no JWT, another algorithm or another key's. */
  static Optional<ObjectNode> verify(String token, SigningKey key) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      JsonNode header = Json.MAPPER.readTree(DECODER.decode(parts[0]));
      if (!header.path("alg").asText().equals(SigningKey.ALGORITHM)) {
        return Optional.empty(); // never "none", never an algorithm the key was not made for
      }
      byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
      if (!key.verify(input, DECODER.decode(parts[2]))) {
        return Optional.empty();
      }
      JsonNode claims = Json.MAPPER.readTree(DECODER.decode(parts[1]));
      return claims instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String part(ObjectNode node) {
    try {
      return ENCODER.encodeToString(Json.MAPPER.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
