package dev.ordinal.apiserver.registry;

/** Which part of an object a write addresses. */
public enum Subresource {
  /** The object itself: status is kept as stored. */
  MAIN,
  /** {@code /status}: only status changes. */
  STATUS,
  /** {@code pods/ephemeralcontainers}: only {@code spec.ephemeralContainers} changes (kubectl debug). */
  EPHEMERAL_CONTAINERS;

  /** The subresource's name in managedFields and paths: "", "status", "ephemeralcontainers". */
  public String pathName() {
    return switch (this) {
      case MAIN -> "";
      case STATUS -> "status";
      case EPHEMERAL_CONTAINERS -> "ephemeralcontainers";
    };
  }
}
