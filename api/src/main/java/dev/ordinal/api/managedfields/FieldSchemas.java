package dev.ordinal.api.managedfields;

import dev.ordinal.api.ResourceType;
import dev.ordinal.api.patch.KubernetesPatchSchemas;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Where each served type's {@link FieldSchema} comes from: the built-in kinds from their
 * patch-merge keys; other sources (a CustomResourceDefinition's structural schema) register a
 * resolver that is asked first.
 */
public final class FieldSchemas {
  private static final Map<String, Function<ResourceType, FieldSchema>> RESOLVERS = new ConcurrentHashMap<>();

  private FieldSchemas() {}

  /** Registers a source of schemas under a name (registering the name again replaces it). */
  public static void register(String name, Function<ResourceType, FieldSchema> resolver) {
    RESOLVERS.put(name, resolver);
  }

  /** The schema of a type: a registered source's answer, else the patch-merge keys, else all atomic. */
  public static FieldSchema forType(ResourceType type) {
    for (Function<ResourceType, FieldSchema> r : RESOLVERS.values()) {
      FieldSchema s = r.apply(type);
      if (s != null) {
        return s;
      }
    }
    return KubernetesPatchSchemas.forType(type).map(PatchFieldSchema::of).orElse(FieldSchema.DEFAULT);
  }
}
