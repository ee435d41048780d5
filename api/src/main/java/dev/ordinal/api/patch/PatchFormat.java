package dev.ordinal.api.patch;

import java.util.Locale;
import java.util.Optional;

/** The patch content types of the Kubernetes API (the Content-Type of a PATCH request). */
public enum PatchFormat {
  /** RFC 6902 list of operations. */
  JSON_PATCH("application/json-patch+json"),
  /** RFC 7386: objects merge, null deletes, everything else replaces. */
  MERGE_PATCH("application/merge-patch+json"),
  /** Kubernetes strategic merge patch: lists merge by their patch merge key. */
  STRATEGIC_MERGE_PATCH("application/strategic-merge-patch+json"),
  /** Server-side apply; not a patch this package applies (it needs managed fields). */
  APPLY_PATCH("application/apply-patch+yaml");

  private final String mediaType;

  PatchFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  /**
   * The format named by a Content-Type header value, ignoring parameters and case ({@code
   * application/merge-patch+json; charset=utf-8} is {@link #MERGE_PATCH}); empty for anything
   * else, including a missing header.
   */
  public static Optional<PatchFormat> fromContentType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    int semicolon = contentType.indexOf(';');
    String bare =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .trim()
            .toLowerCase(Locale.ROOT);
    for (PatchFormat f : values()) {
      if (f.mediaType.equals(bare)) {
        return Optional.of(f);
      }
    }
    // kubectl sends exactly apply-patch+yaml; accept the JSON spelling some clients use too.
    if (bare.equals("application/apply-patch+json")) {
      return Optional.of(APPLY_PATCH);
    }
    return Optional.empty();
  }
}
