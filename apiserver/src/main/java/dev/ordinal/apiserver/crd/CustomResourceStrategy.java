package dev.ordinal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.apiserver.crd.schema.CelRules;
import dev.ordinal.apiserver.crd.schema.Defaulter;
import dev.ordinal.apiserver.crd.schema.Pruner;
import dev.ordinal.apiserver.crd.schema.SchemaValidator;
import dev.ordinal.apiserver.printing.CustomColumnsPrinter;
import dev.ordinal.apiserver.printing.TablePrinter;
import dev.ordinal.apiserver.strategy.ResourceStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the objects of one served version of a custom resource are written and read: pruned,
 * defaulted and validated against that version's structural schema and CEL rules; stored in the
 * storage version and shown in the version asked for (conversion None: only apiVersion changes).
 * Immutable; a CRD change makes new ones.
 */
public final class CustomResourceStrategy implements ResourceStrategy {
  private final String servedApiVersion;
  private final String storageApiVersion;
  private final JsonNode schema;
  private final boolean hasStatus;
  private final Optional<ScaleSubresource> scale;
  private final TablePrinter printer;

  /**
   * @param schema the version's {@code openAPIV3Schema}
   * @param scale the version's scale subresource, if it has one
   * @param columns the version's {@code additionalPrinterColumns} (may be missing)
   */
  public CustomResourceStrategy(String group, String servedVersion, String storageVersion, JsonNode schema, boolean hasStatus,
      Optional<ScaleSubresource> scale, JsonNode columns) {
    this.servedApiVersion = group + "/" + servedVersion;
    this.storageApiVersion = group + "/" + storageVersion;
    this.schema = schema;
    this.hasStatus = hasStatus;
    this.scale = scale;
    this.printer = new CustomColumnsPrinter(columns);
  }

  public JsonNode schema() {
    return schema;
  }

  public Optional<ScaleSubresource> scale() {
    return scale;
  }

  @Override
  public Optional<TablePrinter> printer() {
    return Optional.of(printer);
  }

  @Override
  public ObjectNode fromStorage(ObjectNode stored) {
    ObjectNode view = stored.deepCopy();
    view.put("apiVersion", servedApiVersion);
    Defaulter.apply(view, schema);
    return view;
  }

  @Override
  public ObjectNode toStorage(ObjectNode obj) {
    obj.put("apiVersion", storageApiVersion);
    return obj;
  }

  @Override
  public Optional<List<String>> unknownFields(ObjectNode obj) {
    return Optional.of(Pruner.prune(obj.deepCopy(), schema));
  }

  @Override
  public boolean tracksGeneration() {
    return true;
  }

  @Override
  public void prepareForCreate(ObjectNode obj) {
    if (hasStatus) {
      obj.remove("status");
    }
    Pruner.prune(obj, schema);
  }

  @Override
  public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
    Pruner.prune(obj, schema);
  }

  @Override
  public void applyDefaults(ObjectNode obj) {
    Defaulter.apply(obj, schema);
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode obj) {
    return validate(obj, null);
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
    return validate(obj, old);
  }

  /** A status write is pruned and defaulted here (the registry skips both for status writes), then validated whole. */
  @Override
  public List<FieldError> validateStatusUpdate(ObjectNode obj, ObjectNode old) {
    Pruner.prune(obj, schema);
    Defaulter.apply(obj, schema);
    return validate(obj, old);
  }

  private List<FieldError> validate(ObjectNode obj, ObjectNode old) {
    List<FieldError> errors = new ArrayList<>(SchemaValidator.validate(obj, schema, ""));
    if (errors.isEmpty()) {
      // upstream runs CEL only on values of the right shape
      errors.addAll(CelRules.validate(obj, old, schema));
    }
    return errors;
  }
}
