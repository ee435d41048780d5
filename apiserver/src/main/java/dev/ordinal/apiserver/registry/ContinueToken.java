package dev.ordinal.apiserver.registry;

import dev.ordinal.apiserver.errors.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code continue} token of a paged list: the revision of the first page (later pages
 * are read at that revision so the pages form one snapshot) and the last key returned.
 */
public record ContinueToken(long revision, String lastKey) {

  public String encode() {
    String raw = revision + "\n" + lastKey;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  public static ContinueToken decode(String token) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int nl = raw.indexOf('\n');
      return new ContinueToken(Long.parseLong(raw.substring(0, nl)), raw.substring(nl + 1));
    } catch (RuntimeException e) {
      throw ApiException.badRequest("continue key is not valid: " + e.getMessage());
    }
  }
}
