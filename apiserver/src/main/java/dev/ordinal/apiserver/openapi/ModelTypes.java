package dev.ordinal.apiserver.openapi;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.ordinal.api.Json;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the fabric8 model classes say about the JSON they map: each class's properties and their
 * Java types, read through Jackson's own introspection so the names are exactly the JSON names.
 */
final class ModelTypes {
  private static final Map<Class<?>, Map<String, JavaType>> PROPERTIES = new ConcurrentHashMap<>();

  private ModelTypes() {}

  /** What kind of JSON value a Java type stands for. */
  enum Shape {
    STRING,
    INTEGER,
    NUMBER,
    BOOLEAN,
    INT_OR_STRING,
    QUANTITY,
    MAP,
    LIST,
    MODEL,
    ANY
  }

  static Shape shape(JavaType t) {
    Class<?> c = t.getRawClass();
    if (c == String.class) {
      return Shape.STRING;
    }
    if (c == Integer.class || c == int.class || c == Long.class || c == long.class || c == Short.class) {
      return Shape.INTEGER;
    }
    if (c == Double.class || c == double.class || c == Float.class || c == float.class || Number.class.isAssignableFrom(c)) {
      return Shape.NUMBER;
    }
    if (c == Boolean.class || c == boolean.class) {
      return Shape.BOOLEAN;
    }
    if (c == IntOrString.class) {
      return Shape.INT_OR_STRING;
    }
    if (c == Quantity.class) {
      return Shape.QUANTITY;
    }
    if (t.isMapLikeType()) {
      return Shape.MAP;
    }
    if (t.isCollectionLikeType() || t.isArrayType()) {
      return c == byte[].class ? Shape.STRING : Shape.LIST;
    }
    if (c.getName().startsWith("io.fabric8.kubernetes.api.model") && !c.isInterface() && !JsonNode.class.isAssignableFrom(c)) {
      return Shape.MODEL;
    }
    return Shape.ANY;
  }

  static boolean isInt64(JavaType t) {
    Class<?> c = t.getRawClass();
    return c == Long.class || c == long.class;
  }

  /** The JSON properties of a model class, in declaration order. */
  static Map<String, JavaType> properties(Class<?> model) {
    return PROPERTIES.computeIfAbsent(model, c -> {
      JavaType type = Json.MAPPER.constructType(c);
      BeanDescription desc = Json.MAPPER.getDeserializationConfig().introspect(type);
      Map<String, JavaType> out = new LinkedHashMap<>();
      for (BeanPropertyDefinition p : desc.findProperties()) {
        if (p.getName().equals("additionalProperties")) {
          continue;
        }
        JavaType pt = p.getPrimaryType();
        if (pt != null) {
          out.put(p.getName(), pt);
        }
      }
      return out;
    });
  }
}
