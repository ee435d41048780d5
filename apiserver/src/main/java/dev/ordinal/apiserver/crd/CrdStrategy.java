package dev.ordinal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.apiserver.strategy.ResourceStrategy;
import java.util.List;

/**
 * The CustomResourceDefinition type's strategy, as upstream's: status reset on create (with the
 * storage version recorded in storedVersions), the cleanup finalizer added, generation counted,
 * and {@link CrdValidation}'s defaults and checks.
 */
public final class CrdStrategy implements ResourceStrategy {
  public static final CrdStrategy INSTANCE = new CrdStrategy();

  @Override
  public void prepareForCreate(ObjectNode crd) {
    crd.remove("status");
    String storage = CrdServing.storageVersion(crd);
    ObjectNode status = crd.putObject("status");
    status.putArray("conditions");
    status.putObject("acceptedNames").put("plural", "").put("kind", "");
    ArrayNode stored = status.putArray("storedVersions");
    if (!storage.isEmpty()) {
      stored.add(storage);
    }
    ArrayNode finalizers = crd.with("metadata").withArray("finalizers");
    boolean has = false;
    for (JsonNode f : finalizers) {
      has |= f.asText().equals(CrdServing.CLEANUP_FINALIZER);
    }
    if (!has) {
      finalizers.add(CrdServing.CLEANUP_FINALIZER);
    }
  }

  @Override
  public void prepareForUpdate(ObjectNode crd, ObjectNode old) {
    String storage = CrdServing.storageVersion(crd);
    ArrayNode stored = crd.with("status").withArray("storedVersions");
    boolean has = false;
    for (JsonNode v : stored) {
      has |= v.asText().equals(storage);
    }
    if (!has && !storage.isEmpty()) {
      stored.add(storage);
    }
  }

  @Override
  public void applyDefaults(ObjectNode crd) {
    CrdValidation.applyDefaults(crd);
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode crd) {
    return CrdValidation.validateCreate(crd);
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode crd, ObjectNode old) {
    return CrdValidation.validateUpdate(crd, old);
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }
}
