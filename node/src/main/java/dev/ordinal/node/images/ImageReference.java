package dev.ordinal.node.images;

import dev.ordinal.node.images.registry.ImageName;

/**
 * Image references in one canonical form, so that {@code busybox}, {@code busybox:latest} and
 * {@code docker.io/library/busybox:latest} name the same stored image: Docker's full form
 * ({@link ImageName#canonical}). A bare image id ({@code sha256:…}) stays as it is.
 */
public final class ImageReference {
  private ImageReference() {}

  public static String canonical(String reference) {
    String ref = reference.trim();
    if (ref.matches("sha256:[a-f0-9]{64}")) {
      return ref;
    }
    try {
      return ImageName.parse(ref).canonical();
    } catch (IllegalArgumentException e) {
      return ref.toLowerCase(java.util.Locale.ROOT); // not a reference Docker accepts: it names nothing pulled
    }
  }
}
