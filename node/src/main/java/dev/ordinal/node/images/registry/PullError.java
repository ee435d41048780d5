package dev.ordinal.node.images.registry;

/**
 * Why a pull failed, in words a pod's events can carry. The kind lets the agent tell a missing
 * image from bad credentials; every kind is retried with back-off (ErrImagePull, then
 * ImagePullBackOff), since a push or a fixed secret can make the next try succeed.
 */
public final class PullError extends Exception {
  /** What went wrong. */
  public enum Kind { NOT_FOUND, UNAUTHORIZED, TLS, NO_PLATFORM, DIGEST_MISMATCH, UNREACHABLE, OTHER }

  private final Kind kind;

  public PullError(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public PullError(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
