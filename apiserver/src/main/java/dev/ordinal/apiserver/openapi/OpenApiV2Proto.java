package dev.ordinal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.protobuf.ProtoWriter;
import java.util.Iterator;
import java.util.Map;

/**
 * A Swagger 2.0 document in the protobuf encoding client-go asks for
 * ({@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf}): the messages of gnostic's
 * {@code openapiv2/OpenAPIv2.proto}, package {@code openapi.v2}; the field numbers below are that
 * file's and are a wire contract. Vendor extensions travel as {@code NamedAny} whose {@code Any}
 * holds YAML text; JSON is YAML, so each value is written as its JSON.
 *
 * <p>Only what {@link OpenApiV2} writes is encoded; any other member is an error rather than
 * being dropped, so a document and its encoding cannot drift apart unnoticed.
 */
final class OpenApiV2Proto {
  private OpenApiV2Proto() {}

  static byte[] document(JsonNode doc) {
    ProtoWriter w = new ProtoWriter();
    for (Map.Entry<String, JsonNode> f : members(doc)) {
      JsonNode v = f.getValue();
      switch (f.getKey()) {
        case "swagger" -> w.string(1, v.asText());
        case "info" -> w.message(2, info(v));
        case "paths" -> w.message(8, paths(v));
        case "definitions" -> w.message(9, named(v, OpenApiV2Proto::schema));
        default -> unknown("document", f.getKey());
      }
    }
    return w.toByteArray();
  }

  private static ProtoWriter info(JsonNode info) {
    ProtoWriter w = new ProtoWriter();
    for (Map.Entry<String, JsonNode> f : members(info)) {
      switch (f.getKey()) {
        case "title" -> w.string(1, f.getValue().asText());
        case "version" -> w.string(2, f.getValue().asText());
        case "description" -> w.string(3, f.getValue().asText());
        default -> unknown("info", f.getKey());
      }
    }
    return w;
  }

  /** Paths: {@code repeated NamedPathItem path = 2}. */
  private static ProtoWriter paths(JsonNode paths) {
    ProtoWriter w = new ProtoWriter();
    for (Map.Entry<String, JsonNode> p : members(paths)) {
      w.message(2, new ProtoWriter().string(1, p.getKey()).message(2, pathItem(p.getValue())));
    }
    return w;
  }

  private static ProtoWriter pathItem(JsonNode item) {
    ProtoWriter w = new ProtoWriter();
    for (Map.Entry<String, JsonNode> f : members(item)) {
      JsonNode v = f.getValue();
      switch (f.getKey()) {
        case "get" -> w.message(2, operation(v));
        case "put" -> w.message(3, operation(v));
        case "post" -> w.message(4, operation(v));
        case "delete" -> w.message(5, operation(v));
        case "patch" -> w.message(8, operation(v));
        case "parameters" -> v.forEach(p -> w.message(9, parametersItem(p)));
        default -> extensionOr(w, 10, f, "path item");
      }
    }
    return w;
  }

  private static ProtoWriter operation(JsonNode op) {
    ProtoWriter w = new ProtoWriter();
    for (Map.Entry<String, JsonNode> f : members(op)) {
      JsonNode v = f.getValue();
      switch (f.getKey()) {
        case "tags" -> v.forEach(s -> w.string(1, s.asText()));
        case "description" -> w.string(3, v.asText());
        case "operationId" -> w.string(5, v.asText());
        case "produces" -> v.forEach(s -> w.string(6, s.asText()));
        case "consumes" -> v.forEach(s -> w.string(7, s.asText()));
        case "parameters" -> v.forEach(p -> w.message(8, parametersItem(p)));
        case "responses" -> w.message(9, responses(v));
        case "schemes" -> v.forEach(s -> w.string(10, s.asText()));
        default -> extensionOr(w, 13, f, "operation");
      }
    }
    return w;
  }

  /**
   * ParametersItem.parameter (1) → Parameter: body_parameter (1), or non_body_parameter (2) →
   * NonBodyParameter: query_parameter_sub_schema (3) or path_parameter_sub_schema (4).
   */
  private static ProtoWriter parametersItem(JsonNode p) {
    String in = p.path("in").asText();
    ProtoWriter parameter = new ProtoWriter();
    switch (in) {
      case "body" -> {
        ProtoWriter body = new ProtoWriter();
        for (Map.Entry<String, JsonNode> f : members(p)) {
          JsonNode v = f.getValue();
          switch (f.getKey()) {
            case "description" -> body.string(1, v.asText());
            case "name" -> body.string(2, v.asText());
            case "in" -> body.string(3, v.asText());
            case "required" -> body.bool(4, v.asBoolean());
            case "schema" -> body.message(5, schema(v));
            default -> extensionOr(body, 6, f, "body parameter");
          }
        }
        parameter.message(1, body);
      }
      case "query", "path" -> {
        // the two sub-schemas number their common fields alike up to name (4); query has
        // allow_empty_value (5) before type, so everything after is one higher
        int shift = in.equals("query") ? 1 : 0;
        ProtoWriter sub = new ProtoWriter();
        for (Map.Entry<String, JsonNode> f : members(p)) {
          JsonNode v = f.getValue();
          switch (f.getKey()) {
            case "required" -> sub.bool(1, v.asBoolean());
            case "in" -> sub.string(2, v.asText());
            case "description" -> sub.string(3, v.asText());
            case "name" -> sub.string(4, v.asText());
            case "type" -> sub.string(5 + shift, v.asText());
            case "uniqueItems" -> sub.bool(19 + shift, v.asBoolean());
            default -> extensionOr(sub, 22 + shift, f, in + " parameter");
          }
        }
        parameter.message(2, new ProtoWriter().message(in.equals("query") ? 3 : 4, sub));
      }
      default -> throw new IllegalArgumentException("parameters in " + in + " are not encoded");
    }
    return new ProtoWriter().message(1, parameter);
  }

  /** Responses: {@code repeated NamedResponseValue response_code = 1}, each a ResponseValue.response (1). */
  private static ProtoWriter responses(JsonNode responses) {
    ProtoWriter w = new ProtoWriter();
    for (Map.Entry<String, JsonNode> code : members(responses)) {
      ProtoWriter response = new ProtoWriter();
      for (Map.Entry<String, JsonNode> f : members(code.getValue())) {
        switch (f.getKey()) {
          case "description" -> response.string(1, f.getValue().asText());
          case "schema" -> response.message(2, new ProtoWriter().message(1, schema(f.getValue()))); // SchemaItem.schema
          default -> extensionOr(response, 5, f, "response");
        }
      }
      w.message(1, new ProtoWriter().string(1, code.getKey()).message(2, new ProtoWriter().message(1, response)));
    }
    return w;
  }

  private static ProtoWriter schema(JsonNode s) {
    ProtoWriter w = new ProtoWriter();
    for (Map.Entry<String, JsonNode> f : members(s)) {
      JsonNode v = f.getValue();
      switch (f.getKey()) {
        case "$ref" -> w.string(1, v.asText());
        case "format" -> w.string(2, v.asText());
        case "title" -> w.string(3, v.asText());
        case "description" -> w.string(4, v.asText());
        case "default" -> w.message(5, any(v));
        // the value validations CRD schemas carry
        case "multipleOf" -> w.fixedDouble(6, v.asDouble());
        case "maximum" -> w.fixedDouble(7, v.asDouble());
        case "exclusiveMaximum" -> w.bool(8, v.asBoolean());
        case "minimum" -> w.fixedDouble(9, v.asDouble());
        case "exclusiveMinimum" -> w.bool(10, v.asBoolean());
        case "maxLength" -> w.int64(11, v.asLong());
        case "minLength" -> w.int64(12, v.asLong());
        case "pattern" -> w.string(13, v.asText());
        case "maxItems" -> w.int64(14, v.asLong());
        case "minItems" -> w.int64(15, v.asLong());
        case "uniqueItems" -> w.bool(16, v.asBoolean());
        case "maxProperties" -> w.int64(17, v.asLong());
        case "minProperties" -> w.int64(18, v.asLong());
        case "required" -> v.forEach(r -> w.string(19, r.asText()));
        case "enum" -> v.forEach(e -> w.message(20, any(e)));
        case "additionalProperties" -> w.message(21, v.isBoolean()
            ? new ProtoWriter().bool(2, v.asBoolean())
            : new ProtoWriter().message(1, schema(v)));
        case "type" -> w.message(22, new ProtoWriter().string(1, v.asText())); // TypeItem.value
        case "items" -> w.message(23, new ProtoWriter().message(1, schema(v))); // ItemsItem.schema
        case "allOf" -> v.forEach(a -> w.message(24, schema(a)));
        case "properties" -> w.message(25, named(v, OpenApiV2Proto::schema));
        case "readOnly" -> w.bool(27, v.asBoolean());
        case "example" -> w.message(30, any(v));
        default -> extensionOr(w, 31, f, "schema");
      }
    }
    return w;
  }

  /** A map of named messages: {@code repeated Named<X> additional_properties = 1} of (name 1, value 2). */
  private static ProtoWriter named(JsonNode map, java.util.function.Function<JsonNode, ProtoWriter> value) {
    ProtoWriter w = new ProtoWriter();
    for (Map.Entry<String, JsonNode> e : members(map)) {
      w.message(1, new ProtoWriter().string(1, e.getKey()).message(2, value.apply(e.getValue())));
    }
    return w;
  }

  /** A vendor extension ({@code x-…}) as a NamedAny in field {@code field}, else an error. */
  private static void extensionOr(ProtoWriter w, int field, Map.Entry<String, JsonNode> member, String where) {
    if (!member.getKey().startsWith("x-")) {
      unknown(where, member.getKey());
    }
    w.message(field, new ProtoWriter().string(1, member.getKey()).message(2, any(member.getValue())));
  }

  /** Any: the value as YAML text (yaml = 2). */
  private static ProtoWriter any(JsonNode value) {
    return new ProtoWriter().string(2, Json.string(value));
  }

  private static Iterable<Map.Entry<String, JsonNode>> members(JsonNode node) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    return () -> it;
  }

  private static void unknown(String where, String member) {
    throw new IllegalArgumentException("the " + where + " member " + member + " has no encoding");
  }
}
