package dev.ordinal.apiserver.registry;

/**
 * Options of a delete, as {@code metav1.DeleteOptions} carries them.
 *
 * @param gracePeriodSeconds null for the object's own default
 * @param propagationPolicy null, "Orphan", "Background" or "Foreground"
 * @param preconditionUid delete only if the object still has this uid
 * @param preconditionResourceVersion delete only if the object is still at this version
 */
public record DeleteOptions(
    Long gracePeriodSeconds,
    String propagationPolicy,
    String preconditionUid,
    String preconditionResourceVersion,
    boolean dryRun) {
  public static final DeleteOptions DEFAULT = new DeleteOptions(null, null, null, null, false);

  public static DeleteOptions withPropagation(String policy) {
    return new DeleteOptions(null, policy, null, null, false);
  }

  public static DeleteOptions now() {
    return new DeleteOptions(0L, null, null, null, false);
  }
}
