package dev.ordinal.apiserver.errors;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceType;
import java.util.List;

/**
 * A failure that the API answers with a Kubernetes {@code Status}: the HTTP code, the machine
 * reason, a human message and optional details. Unchecked, so that any layer can throw it and the
 * HTTP layer renders it the same way.
 */
public class ApiException extends RuntimeException {
  private final int code;
  private final String reason;
  private final ObjectNode details;

  public ApiException(int code, String reason, String message, ObjectNode details) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /** The {@code metav1.Status} object for this failure. */
  public ObjectNode toStatus() {
    ObjectNode s = Json.object();
    s.put("kind", "Status").put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure").put("message", getMessage());
    if (reason != null && !reason.isEmpty()) {
      s.put("reason", reason); // Kubernetes leaves it out when a Status has none (eviction's 500)
    }
    if (details != null) {
      s.set("details", details);
    }
    s.put("code", code);
    return s;
  }

  private static ObjectNode details(String name, ResourceType type) {
    ObjectNode d = Json.object();
    if (name != null) {
      d.put("name", name);
    }
    if (type != null) {
      if (!type.group().isEmpty()) {
        d.put("group", type.group());
      }
      d.put("kind", type.plural());
    }
    return d;
  }

  public static ApiException notFound(ResourceType type, String name) {
    return new ApiException(404, "NotFound",
        type.qualifiedName() + " \"" + name + "\" not found", details(name, type));
  }

  /**
   * A path nothing serves (an unknown resource or subresource): Kubernetes answers these with its
   * generic server response, whose details are present and empty.
   */
  public static ApiException notFound(String message) {
    return new ApiException(404, "NotFound", message, Json.object());
  }

  public static ApiException alreadyExists(ResourceType type, String name) {
    return new ApiException(409, "AlreadyExists",
        type.qualifiedName() + " \"" + name + "\" already exists", details(name, type));
  }

  public static ApiException conflict(ResourceType type, String name, String why) {
    return new ApiException(409, "Conflict",
        "Operation cannot be fulfilled on " + type.qualifiedName() + " \"" + name + "\": " + why,
        details(name, type));
  }

  /** The standard optimistic-concurrency failure. */
  public static ApiException modified(ResourceType type, String name) {
    return conflict(type, name,
        "the object has been modified; please apply your changes to the latest version and try again");
  }

  public static ApiException invalid(ResourceType type, String name, List<FieldError> errors) {
    ObjectNode d = details(name, type);
    d.put("kind", type.kind());
    ArrayNode causes = d.putArray("causes");
    for (FieldError e : errors) {
      causes.addObject().put("reason", e.type().reason()).put("message", e.message().substring(e.path().length() + 2)).put("field", e.path());
    }
    String list = errors.size() == 1
        ? errors.get(0).message()
        : "[" + String.join(", ", errors.stream().map(FieldError::message).toList()) + "]";
    String qualifiedKind = type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
    return new ApiException(422, "Invalid",
        qualifiedKind + " \"" + (name == null ? "" : name) + "\" is invalid: " + list, d);
  }

  /** A patch that could not be applied, with the code Kubernetes gives that failure. */
  public static ApiException of(dev.ordinal.api.patch.PatchException e) {
    return new ApiException(e.httpStatus(), e.kind().reason(), e.getMessage(), null);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message, null);
  }

  public static ApiException unauthorized() {
    return new ApiException(401, "Unauthorized", "Unauthorized", null);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "Forbidden", message, null);
  }

  public static ApiException methodNotAllowed(String message) {
    return new ApiException(405, "MethodNotAllowed", message, null);
  }

  public static ApiException gone(String message) {
    return new ApiException(410, "Expired", message, null);
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(413, "RequestEntityTooLarge", message, null);
  }

  public static ApiException unsupportedMediaType(String contentType) {
    return new ApiException(415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
            + "application/json, application/yaml, application/json-patch+json, "
            + "application/merge-patch+json, application/strategic-merge-patch+json",
        null);
  }

  public static ApiException internal(String message) {
    return new ApiException(500, "InternalError", "Internal error occurred: " + message, null);
  }

  public static ApiException timeout(String message) {
    return new ApiException(504, "Timeout", message, null);
  }
}
