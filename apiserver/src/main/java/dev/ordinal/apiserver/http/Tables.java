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

  ObjectNode list(ResourceType type, ObjectList list, String includeObject) {
    return TableBuilder.build(TablePrinters.forKind(type.apiVersion(), type.kind()), list.items(),
        list.resourceVersion(), list.continueToken(), include(includeObject), Instant.now());
  }

  ObjectNode single(ResourceType type, ObjectNode obj, String includeObject) {
    return TableBuilder.build(TablePrinters.forKind(type.apiVersion(), type.kind()), List.of(obj),
        obj.path("metadata").path("resourceVersion").asText(""), "", include(includeObject), Instant.now());
  }

  /** A watch event's Table: column definitions only in the first event of a stream, as upstream. */
  ObjectNode watchRow(ResourceType type, ObjectNode obj, String includeObject, boolean withColumns) {
    return TableBuilder.watchRow(TablePrinters.forKind(type.apiVersion(), type.kind()), obj, include(includeObject),
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
