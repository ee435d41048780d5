package dev.ordinal.apiserver.authz;

/**
 * An authorizer's answer. {@code reason} says which binding allowed it (SubjectAccessReview's
 * status.reason); {@code evaluationError} names bindings that point at missing roles, which do not
 * stop other bindings from allowing the request.
 */
public record Decision(boolean allowed, String reason, String evaluationError) {
  public static Decision deny(String evaluationError) {
    return new Decision(false, "", evaluationError);
  }

  public static Decision allow(String reason) {
    return new Decision(true, reason, "");
  }
}
