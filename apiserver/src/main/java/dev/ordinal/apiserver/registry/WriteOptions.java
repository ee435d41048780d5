package dev.ordinal.apiserver.registry;

/**
 * Options of a create, update or patch.
 *
 * @param dryRun validate and answer as if written, but write nothing ({@code dryRun=All})
 * @param fieldValidation Strict (unknown fields are an error), Warn (a warning) or Ignore
 */
public record WriteOptions(boolean dryRun, String fieldManager, FieldValidation fieldValidation) {
  public static final WriteOptions DEFAULT = new WriteOptions(false, "", FieldValidation.IGNORE);

  public enum FieldValidation {
    IGNORE,
    WARN,
    STRICT
  }
}
