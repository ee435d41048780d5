package dev.ordinal.api;

/**
 * One reason an object is invalid, as Kubernetes reports it in a 422 Status: {@code
 * details.causes[] = {reason: "FieldValue" + type, field: path, message}}.
 *
 * @param path the JSON field path, e.g. {@code spec.template.metadata.labels}
 * @param type what is wrong
 * @param value the offending value (rendered in the message), or null
 * @param detail free text, may be empty
 */
public record FieldError(String path, Type type, Object value, String detail) {

  public enum Type {
    REQUIRED("FieldValueRequired", "Required value"),
    INVALID("FieldValueInvalid", "Invalid value"),
    FORBIDDEN("FieldValueForbidden", "Forbidden"),
    NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
    DUPLICATE("FieldValueDuplicate", "Duplicate value"),
    TOO_LONG("FieldValueTooLong", "Too long"),
    TOO_MANY("FieldValueTooMany", "Too many"),
    NOT_FOUND("FieldValueNotFound", "Not found");

    private final String reason;
    private final String phrase;

    Type(String reason, String phrase) {
      this.reason = reason;
      this.phrase = phrase;
    }

    /** The Status cause reason, e.g. "FieldValueInvalid". */
    public String reason() {
      return reason;
    }

    public String phrase() {
      return phrase;
    }
  }

  public static FieldError required(String path, String detail) {
    return new FieldError(path, Type.REQUIRED, null, detail);
  }

  public static FieldError invalid(String path, Object value, String detail) {
    return new FieldError(path, Type.INVALID, value, detail);
  }

  public static FieldError forbidden(String path, String detail) {
    return new FieldError(path, Type.FORBIDDEN, null, detail);
  }

  public static FieldError notSupported(String path, Object value, java.util.List<String> allowed) {
    return new FieldError(path, Type.NOT_SUPPORTED, value,
        "supported values: " + String.join(", ", allowed.stream().map(v -> "\"" + v + "\"").toList()));
  }

  public static FieldError duplicate(String path, Object value) {
    return new FieldError(path, Type.DUPLICATE, value, "");
  }

  /** field.TooLong: the value is not repeated in the message. */
  public static FieldError tooLong(String path, int maxBytes) {
    return new FieldError(path, Type.TOO_LONG, null, "must have at most " + maxBytes + " bytes");
  }

  /** field.TooMany: {@code spec.x: Too many: 21: must have at most 20 items}. */
  public static FieldError tooMany(String path, int actual, int max) {
    return new FieldError(path, Type.TOO_MANY, actual, "must have at most " + max + " items");
  }

  /** Kubernetes' rendering: {@code spec.replicas: Invalid value: -1: must be greater than or equal to 0}. */
  public String message() {
    StringBuilder b = new StringBuilder(path).append(": ").append(type.phrase());
    if (type == Type.INVALID || type == Type.NOT_SUPPORTED || type == Type.DUPLICATE || type == Type.NOT_FOUND
        || type == Type.TOO_MANY) {
      b.append(": ").append(value instanceof String s ? "\"" + s + "\"" : String.valueOf(value));
    }
    if (detail != null && !detail.isEmpty()) {
      b.append(": ").append(detail);
    }
    return b.toString();
  }
}
