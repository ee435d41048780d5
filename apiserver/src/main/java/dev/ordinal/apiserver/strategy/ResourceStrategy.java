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

  /** Field errors of a write to the status subresource (the new status in {@code obj}). */
  default List<FieldError> validateStatusUpdate(ObjectNode obj, ObjectNode old) {
    return List.of();
  }
}
