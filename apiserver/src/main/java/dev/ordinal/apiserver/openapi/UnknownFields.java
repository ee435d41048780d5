package dev.ordinal.apiserver.openapi;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Fields an object carries that its kind does not have, named as Kubernetes' strict decoder
 * names them ({@code spec.template.spec.containers[0].imagee}), for {@code fieldValidation=Strict}.
 * Maps (labels, data) and free-form fields are not checked.
 */
public final class UnknownFields {

  public UnknownFields(ResourceCatalog catalog) {
    // the model classes are read lazily and cached by ModelTypes
  }

  public List<String> find(ResourceType type, ObjectNode obj) {
    List<String> out = new ArrayList<>();
    walk(type.modelClass(), obj, "", out);
    return out;
  }

  private static void walk(Class<?> model, JsonNode node, String path, List<String> out) {
    if (!node.isObject() || model == io.fabric8.kubernetes.api.model.FieldsV1.class) {
      return; // fieldsV1 is free-form: managedFields' own encoding of field paths
    }
    Map<String, JavaType> props = ModelTypes.properties(model);
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      String here = path.isEmpty() ? name : path + "." + name;
      JavaType t = props.get(name);
      if (t == null) {
        out.add(here);
        continue;
      }
      value(t, f.getValue(), here, out);
    }
  }

  private static void value(JavaType t, JsonNode v, String path, List<String> out) {
    switch (ModelTypes.shape(t)) {
      case MODEL -> walk(t.getRawClass(), v, path, out);
      case LIST -> {
        for (int i = 0; i < v.size(); i++) {
          value(t.getContentType(), v.get(i), path + "[" + i + "]", out);
        }
      }
      case MAP -> v.fields().forEachRemaining(e -> value(t.getContentType(), e.getValue(), path + "." + e.getKey(), out));
      default -> { }
    }
  }
}
