package dev.ordinal.node.images;

import java.util.Locale;

/**
 * Image references in one canonical form, so that {@code busybox}, {@code busybox:latest} and
 * {@code docker.io/library/busybox:latest} name the same stored image.
 */
public final class ImageReference {
  private ImageReference() {}

  public static String canonical(String reference) {
    String ref = reference.trim().toLowerCase(Locale.ROOT);
    for (String prefix : new String[] {"docker.io/library/", "docker.io/", "index.docker.io/library/", "index.docker.io/"}) {
      if (ref.startsWith(prefix)) {
        ref = ref.substring(prefix.length());
        break;
      }
    }
    if (ref.contains("@")) {
      return ref;
    }
    int slash = ref.lastIndexOf('/');
    return ref.indexOf(':', slash + 1) < 0 ? ref + ":latest" : ref;
  }
}
