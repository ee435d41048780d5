package dev.ordinal.apiserver.registry;

/** Which part of an object a write addresses. */
public enum Subresource {
  /** The object itself: status is kept as stored. */
  MAIN,
  /** {@code /status}: only status changes. */
  STATUS,
  /** {@code pods/ephemeralcontainers}: only {@code spec.ephemeralContainers} changes (kubectl debug). */
  EPHEMERAL_CONTAINERS,
  /**
   * {@code pods/resize}: only the containers' (and init containers') {@code resources} and
   * {@code resizePolicy} change (in-place pod resize, Kubernetes 1.33).
   */
  RESIZE;

  /** The subresource's name in managedFields and paths: "", "status", "ephemeralcontainers", "resize". */
  public String pathName() {
    return switch (this) {
      case MAIN -> "";
      case STATUS -> "status";
      case EPHEMERAL_CONTAINERS -> "ephemeralcontainers";
      case RESIZE -> "resize";
    };
  }
}
