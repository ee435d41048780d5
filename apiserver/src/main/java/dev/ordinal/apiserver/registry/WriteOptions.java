package dev.ordinal.apiserver.registry;

/**
 * Options of a create, update or patch.
 *
 * @param dryRun validate and answer as if written, but write nothing ({@code dryRun=All})
 * @param fieldManager who writes, for managedFields: the {@code fieldManager} parameter, else the
 *     User-Agent's program name; empty for Ordinal's in-process components
 * @param fieldValidation Strict (unknown fields are an error), Warn (a warning) or Ignore
 * @param force a server-side apply takes the fields other managers own ({@code force=true})
 */
public record WriteOptions(boolean dryRun, String fieldManager, FieldValidation fieldValidation, boolean force) {
  public static final WriteOptions DEFAULT = new WriteOptions(false, "", FieldValidation.IGNORE, false);

  public WriteOptions(boolean dryRun, String fieldManager, FieldValidation fieldValidation) {
    this(dryRun, fieldManager, fieldValidation, false);
  }

  public enum FieldValidation {
    IGNORE,
    WARN,
    STRICT
  }
}
