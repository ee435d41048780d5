package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.printing.IncludeObject;
import dev.ordinal.apiserver.printing.TableBuilder;
import dev.ordinal.apiserver.printing.TablePrinters;
import dev.ordinal.apiserver.registry.ObjectList;
import java.time.Instant;
import java.util.List;

/** Renders responses as meta.k8s.io/v1 Tables when kubectl asks for them. */
final class Tables {
  private final java.util.function.Function<ResourceType, dev.ordinal.apiserver.printing.TablePrinter> printers;

  /** @param printers a type's printer (a custom resource's columns), or null for the kind's built-in one */
  Tables(java.util.function.Function<ResourceType, dev.ordinal.apiserver.printing.TablePrinter> printers) {
    this.printers = printers;
  }

  private dev.ordinal.apiserver.printing.TablePrinter printer(ResourceType type) {
    dev.ordinal.apiserver.printing.TablePrinter p = printers.apply(type);
    return p != null ? p : TablePrinters.forKind(type.apiVersion(), type.kind());
  }

  ObjectNode list(ResourceType type, ObjectList list, String includeObject) {
    return TableBuilder.build(printer(type), list.items(),
        list.resourceVersion(), list.continueToken(), include(includeObject), Instant.now());
  }

  ObjectNode single(ResourceType type, ObjectNode obj, String includeObject) {
    return TableBuilder.build(printer(type), List.of(obj),
        obj.path("metadata").path("resourceVersion").asText(""), "", include(includeObject), Instant.now());
  }

  /** A watch event's Table: column definitions only in the first event of a stream, as upstream. */
  ObjectNode watchRow(ResourceType type, ObjectNode obj, String includeObject, boolean withColumns) {
    return TableBuilder.watchRow(printer(type), obj, include(includeObject),
        withColumns, Instant.now());
  }

  private static IncludeObject include(String param) {
    return switch (param) {
      case "", "Metadata" -> IncludeObject.METADATA;
      case "None" -> IncludeObject.NONE;
      case "Object" -> IncludeObject.OBJECT;
      default -> throw ApiException.badRequest("includeObject must be one of None, Metadata, Object");
    };
  }
}
