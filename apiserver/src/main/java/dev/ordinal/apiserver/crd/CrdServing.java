package dev.ordinal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What a CRD serves: one resource type per served version, under its accepted names. Pure. */
public final class CrdServing {
  public static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

  private CrdServing() {}

  public static String group(JsonNode crd) {
    return crd.path("spec").path("group").asText();
  }

  public static String plural(JsonNode crd) {
    return crd.path("spec").path("names").path("plural").asText();
  }

  /** The storage version's name, or "" when the CRD has none (invalid CRDs are never stored). */
  public static String storageVersion(JsonNode crd) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("storage").asBoolean(false)) {
        return v.path("name").asText();
      }
    }
    return "";
  }

  /** The served versions' types and strategies, named by {@code status.acceptedNames}. */
  public static Map<ResourceType, CustomResourceStrategy> types(ObjectNode crd) {
    Map<ResourceType, CustomResourceStrategy> out = new LinkedHashMap<>();
    JsonNode spec = crd.path("spec");
    JsonNode names = crd.path("status").path("acceptedNames");
    String group = group(crd);
    String storage = storageVersion(crd);
    boolean namespaced = spec.path("scope").asText().equals("Namespaced");
    for (JsonNode v : spec.path("versions")) {
      if (!v.path("served").asBoolean(false)) {
        continue;
      }
      Set<String> subresources = new LinkedHashSet<>();
      JsonNode sub = v.path("subresources");
      boolean hasStatus = sub.path("status").isObject();
      if (hasStatus) {
        subresources.add("status");
      }
      Optional<ScaleSubresource> scale = sub.path("scale").isObject() ? Optional.of(ScaleSubresource.of(sub.get("scale"))) : Optional.empty();
      scale.ifPresent(s -> subresources.add("scale"));
      ResourceType type = new ResourceType(group, v.path("name").asText(), names.path("plural").asText(),
          names.path("singular").asText(), names.path("kind").asText(), namespaced, strings(names.path("shortNames")),
          strings(names.path("categories")), Set.copyOf(subresources), GenericKubernetesResource.class);
      out.put(type, new CustomResourceStrategy(group, type.version(), storage, v.path("schema").path("openAPIV3Schema"),
          hasStatus, scale, v.path("additionalPrinterColumns")));
    }
    return out;
  }

  /** The type of the storage version, for deleting a CRD's objects once it is no longer served. */
  public static ResourceType storageType(ObjectNode crd) {
    JsonNode names = crd.path("spec").path("names");
    return new ResourceType(group(crd), storageVersion(crd), plural(crd), names.path("singular").asText(),
        names.path("kind").asText(), crd.path("spec").path("scope").asText().equals("Namespaced"), List.of(), List.of(),
        Set.of(), GenericKubernetesResource.class);
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(s -> out.add(s.asText()));
    return List.copyOf(out);
  }
}
