package dev.ordinal.controllers.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The resource types the API serves: the built-in catalogue and the custom resources of the
 * established CRDs, read from the API as upstream's controllers read discovery. What the garbage
 * collector and the namespace controller need to reach every object, custom ones included.
 */
public final class ServedTypes implements AutoCloseable {
  /** Told of each custom resource type as it starts or stops being served. */
  public interface Listener {
    void changed(ResourceType type, boolean served);
  }

  private final ResourceCatalog builtIn;
  private final Informer crds;
  private final Map<String, List<ResourceType>> byCrd = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /** Follows the CRDs with a watch (the client needs list and watch on them). */
  public ServedTypes(Client client, ResourceCatalog builtIn) {
    this.builtIn = builtIn;
    this.crds = new Informer(client, Types.CUSTOM_RESOURCE_DEFINITIONS).onChange((old, cur, deleted) ->
        update(Meta.name(cur), deleted ? List.of() : ofCrd(cur)));
  }

  public ServedTypes onChange(Listener listener) {
    listeners.add(listener);
    return this;
  }

  public void start() {
    crds.start();
  }

  public boolean awaitSynced(long timeout, TimeUnit unit) throws InterruptedException {
    return crds.awaitSynced(timeout, unit);
  }

  /** The built-in types and the custom ones served now. */
  public List<ResourceType> all() {
    List<ResourceType> all = new ArrayList<>(builtIn.all());
    byCrd.values().forEach(all::addAll);
    return all;
  }

  public Optional<ResourceType> byKind(String apiVersion, String kind) {
    Optional<ResourceType> t = builtIn.byKind(apiVersion, kind);
    if (t.isPresent()) {
      return t;
    }
    for (List<ResourceType> types : byCrd.values()) {
      for (ResourceType c : types) {
        if (c.apiVersion().equals(apiVersion) && c.kind().equals(kind)) {
          return Optional.of(c);
        }
      }
    }
    return Optional.empty();
  }

  /** The same answer as {@link #all()} from one list of the CRDs (the client needs only list). */
  public static List<ResourceType> listNow(Client client, ResourceCatalog builtIn) {
    List<ResourceType> all = new ArrayList<>(builtIn.all());
    for (ObjectNode crd : client.list(Types.CUSTOM_RESOURCE_DEFINITIONS, null, ListOptions.ALL).items()) {
      all.addAll(ofCrd(crd));
    }
    return all;
  }

  /**
   * The types one CRD serves: one per served version once it is Established, none before (or
   * while it is being deleted, when the API server is removing its objects itself).
   */
  public static List<ResourceType> ofCrd(JsonNode crd) {
    if (!established(crd) || crd.path("metadata").has("deletionTimestamp")) {
      return List.of();
    }
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    boolean namespaced = spec.path("scope").asText().equals("Namespaced");
    List<ResourceType> types = new ArrayList<>();
    for (JsonNode v : spec.path("versions")) {
      if (!v.path("served").asBoolean(false)) {
        continue;
      }
      Set<String> subresources = new HashSet<>();
      v.path("subresources").fieldNames().forEachRemaining(subresources::add);
      types.add(new ResourceType(spec.path("group").asText(), v.path("name").asText(), names.path("plural").asText(),
          names.path("singular").asText(), names.path("kind").asText(), namespaced, strings(names.path("shortNames")),
          strings(names.path("categories")), Set.copyOf(subresources),
          GenericKubernetesResource.class));
    }
    return types;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return List.copyOf(out);
  }

  private static boolean established(JsonNode crd) {
    for (JsonNode c : crd.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Established")) {
        return c.path("status").asText().equals("True");
      }
    }
    return false;
  }

  private void update(String crd, List<ResourceType> now) {
    List<ResourceType> before = now.isEmpty() ? byCrd.remove(crd) : byCrd.put(crd, List.copyOf(now));
    List<ResourceType> was = before == null ? List.of() : before;
    for (ResourceType t : was) {
      if (!now.contains(t)) {
        listeners.forEach(l -> l.changed(t, false));
      }
    }
    for (ResourceType t : now) {
      if (!was.contains(t)) {
        listeners.forEach(l -> l.changed(t, true));
      }
    }
  }

  @Override
  public void close() {
    crds.close();
  }
}
