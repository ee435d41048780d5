package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import java.util.List;

/**
 * What is particular to one resource type when objects of it are written: server defaults,
 * fields reset on create and update, and validation. The generic registry handles metadata
 * (uid, timestamps, resourceVersion, generation) and the status/spec split; a strategy only
 * deals with the type's own fields. All methods work on the object's JSON in place.
 */
public interface ResourceStrategy {

  /** Resets what a client may not set on create (e.g. status for most types; pod phase Pending). */
  default void prepareForCreate(ObjectNode obj) {}

  /** Adjusts a new version of an existing object before validation (e.g. keep immutable fields). */
  default void prepareForUpdate(ObjectNode obj, ObjectNode old) {}

  /** Fills the defaults Kubernetes' API server fills for this type, in place. */
  default void applyDefaults(ObjectNode obj) {}

  /** Field errors of a new object, after defaulting; empty when valid. */
  default List<FieldError> validateCreate(ObjectNode obj) {
    return List.of();
  }

  /** Field errors of an update (immutability rules included), after defaulting. */
  default List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
    return validateCreate(obj);
  }

  /** Field errors of a write to {@code pods/resize} (the new resources in {@code obj}). */
  default List<FieldError> validateResize(ObjectNode obj, ObjectNode old) {
    return List.of(FieldError.forbidden("spec", "resize is only served for pods"));
  }

  /** Field errors of a write to {@code pods/ephemeralcontainers} (the new ephemeral containers in {@code obj}). */
  default List<FieldError> validateEphemeralContainersUpdate(ObjectNode obj, ObjectNode old) {
    return List.of(FieldError.forbidden("spec.ephemeralContainers", "ephemeral containers are only served for pods"));
  }

  /** Field errors of a write to the status subresource (the new status in {@code obj}). */
  default List<FieldError> validateStatusUpdate(ObjectNode obj, ObjectNode old) {
    return List.of();
  }

  /**
   * The object as clients see it, from the object as stored (a custom resource in the version it
   * is served at, with the defaults of its schema); must not change {@code stored}, and returns it
   * when nothing differs.
   */
  default ObjectNode fromStorage(ObjectNode stored) {
    return stored;
  }

  /** The object as it is stored (a custom resource in its storage version); may change {@code obj}. */
  default ObjectNode toStorage(ObjectNode obj) {
    return obj;
  }

  /**
   * Fields unknown to the type's schema for {@code fieldValidation=Strict}, or empty to let the
   * registry find them from the model class.
   */
  default java.util.Optional<List<String>> unknownFields(ObjectNode obj) {
    return java.util.Optional.empty();
  }

  /** Whether metadata.generation counts spec changes for this type beyond the built-in ones. */
  default boolean tracksGeneration() {
    return false;
  }

  /** The server-side printing of this type when it is not the kind's built-in one (custom resources' columns). */
  default java.util.Optional<dev.ordinal.apiserver.printing.TablePrinter> printer() {
    return java.util.Optional.empty();
  }
}
