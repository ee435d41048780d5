package dev.ordinal.api.patch;

/**
 * A patch that cannot be applied. Unchecked; {@link #kind()} says which HTTP status the API server
 * answers with, following what kube-apiserver does (handlers/patch.go):
 *
 * <ul>
 *   <li>a body that is not a patch of the declared type (not JSON, a JSON patch that is not an
 *       array, a merge patch or strategic merge patch that is not an object, a malformed
 *       directive) is {@link Kind#BAD_REQUEST} (400);
 *   <li>a well-formed JSON patch whose operations do not apply ("test" failed, path missing,
 *       unknown op) is {@link Kind#INVALID} (422): upstream wraps {@code patchObj.Apply} errors in
 *       {@code NewGenericServerResponse(http.StatusUnprocessableEntity, ...)};
 *   <li>a strategic merge patch with lists of lists is {@link Kind#INVALID} (422), as upstream
 *       maps {@code ErrNoListOfLists};
 *   <li>more than 10,000 JSON patch operations is {@link Kind#TOO_LARGE} (413);
 *   <li>a patch content type the server does not accept for the resource is {@link
 *       Kind#UNSUPPORTED_MEDIA_TYPE} (415).
 * </ul>
 *
 * <p>Upstream answers 500 for some malformed strategic merge patches (unknown {@code $patch}
 * value, a list element without its merge key) because those errors reach the handler untyped; we
 * answer 400 for them: the fault is the client's.
 */
public final class PatchException extends RuntimeException {

  /** How the API server should answer, with the HTTP status and Status reason it maps to. */
  public enum Kind {
    BAD_REQUEST(400, "BadRequest"),
    INVALID(422, "Invalid"),
    TOO_LARGE(413, "RequestEntityTooLarge"),
    UNSUPPORTED_MEDIA_TYPE(415, "UnsupportedMediaType");

    private final int httpStatus;
    private final String reason;

    Kind(int httpStatus, String reason) {
      this.httpStatus = httpStatus;
      this.reason = reason;
    }

    public int httpStatus() {
      return httpStatus;
    }

    /** The {@code reason} of the Kubernetes Status object. */
    public String reason() {
      return reason;
    }
  }

  private final Kind kind;

  public PatchException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public PatchException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  static PatchException badRequest(String format, Object... args) {
    return new PatchException(Kind.BAD_REQUEST, String.format(format, args));
  }

  static PatchException invalid(String format, Object... args) {
    return new PatchException(Kind.INVALID, String.format(format, args));
  }

  public Kind kind() {
    return kind;
  }

  public int httpStatus() {
    return kind.httpStatus();
  }
}
