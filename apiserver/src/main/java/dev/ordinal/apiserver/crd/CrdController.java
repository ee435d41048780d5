package dev.ordinal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.apiserver.registry.ResourceStore;
import dev.ordinal.apiserver.registry.Subresource;
import dev.ordinal.apiserver.registry.WriteOptions;
import dev.ordinal.apiserver.strategy.ResourceStrategy;
import dev.ordinal.apiserver.watch.CacheEvent;
import dev.ordinal.apiserver.watch.CacheWatcher;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's apiextensions controllers in the API server's process: on every CRD change it plans
 * each CRD's status ({@link CrdStatusPlanner}) and applies the plan: writes the status, serves the
 * versions of an established CRD in the registry at once (discovery, REST, printing, OpenAPI follow
 * the catalogue), and for a CRD being deleted stops serving it, deletes its objects and drops the
 * {@code customresourcecleanup.apiextensions.k8s.io} finalizer. One virtual thread; CRDs are few,
 * so a change replans them all (names conflict across CRDs).
 */
public final class CrdController implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CrdController.class);
  private static final long RETRY_MS = 500;

  private final Registry registry;
  private final ResourceStore crds;
  private final ServedCustomSchemas schemas = new ServedCustomSchemas();
  private final Map<String, JsonNode> servedSpecs = new HashMap<>();
  private volatile boolean stopped;
  private Thread thread;

  public CrdController(Registry registry) {
    this.registry = registry;
    this.crds = registry.store("apiextensions.k8s.io", "v1", "customresourcedefinitions").orElseThrow();
    registry.useCustomSchemas(schemas);
    // server-side apply merges custom resources' lists by their schemas' list types; the register is
    // the process's, so with several API servers in one JVM (tests) the last one's CRDs answer
    dev.ordinal.api.managedfields.FieldSchemas.register("customresourcedefinitions",
        t -> t.modelClass() == io.fabric8.kubernetes.api.model.GenericKubernetesResource.class
            ? new CustomFieldSchema(schemas, t.apiVersion(), t.kind(), java.util.List.of()) : null);
  }

  /** The schemas served, for server-side apply's list types. */
  public ServedCustomSchemas schemas() {
    return schemas;
  }

  /** Serves the stored CRDs before returning (a restart serves its custom resources at once), then follows changes. */
  public void start() {
    reconcileAll();
    thread = Thread.ofVirtual().name("crd-controller").start(this::run);
  }

  private void run() {
    while (!stopped) {
      try (CacheWatcher w = crds.watch(null, ListOptions.ALL)) {
        boolean again = false;
        while (!stopped && !w.isTerminated()) {
          CacheEvent e = w.poll(again ? RETRY_MS : 1000, TimeUnit.MILLISECONDS);
          if (e != null) {
            while (w.poll(0, TimeUnit.MILLISECONDS) != null) {
              // a burst of changes is one pass
            }
          }
          if (e != null || again) {
            again = reconcileAll();
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("CRD controller pass failed; retrying", e);
        sleep();
      }
    }
  }

  /** One pass over every CRD; returns whether something must be tried again soon (objects still being deleted). */
  boolean reconcileAll() {
    List<ObjectNode> all = crds.list(null, ListOptions.ALL).items();
    boolean again = false;
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    for (ObjectNode crd : all) {
      List<ObjectNode> others = new ArrayList<>(all);
      others.remove(crd);
      try {
        again |= reconcile(crd, others, now);
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 409) {
          log.warn("CRD {}: {}", Meta.name(crd), e.getMessage());
        }
        again = true;
      }
    }
    return again;
  }

  private boolean reconcile(ObjectNode crd, List<ObjectNode> others, String now) {
    String name = Meta.name(crd);
    CrdStatusPlanner.Plan plan = CrdStatusPlanner.plan(crd, others, now);
    ObjectNode current = crd;
    if (plan.status().isPresent()) {
      ObjectNode status = plan.status().get();
      current = crds.guaranteedUpdate(null, name, Subresource.STATUS, WriteOptions.DEFAULT, "", c -> {
        c.set("status", status);
        return c;
      });
    }
    if (plan.serve()) {
      serve(current);
    } else {
      unserve(current);
    }
    if (plan.cleanUp()) {
      return cleanUp(current);
    }
    return false;
  }

  private void serve(ObjectNode crd) {
    String name = Meta.name(crd);
    JsonNode key = crd.get("spec").deepCopy();
    ((ObjectNode) key).set("acceptedNames", crd.path("status").path("acceptedNames"));
    if (key.equals(servedSpecs.get(name))) {
      return;
    }
    Map<ResourceType, CustomResourceStrategy> types = CrdServing.types(crd);
    registry.serve(CrdServing.group(crd), crd.path("status").path("acceptedNames").path("plural").asText(), types);
    Map<String, JsonNode> bySchema = new LinkedHashMap<>();
    types.forEach((t, s) -> bySchema.put(t.apiVersion() + "/" + t.kind(), s.schema()));
    schemas.put(name, bySchema);
    servedSpecs.put(name, key);
    log.info("serving {} ({})", name, types.keySet().stream().map(ResourceType::version).toList());
  }

  private void unserve(ObjectNode crd) {
    String name = Meta.name(crd);
    JsonNode served = servedSpecs.remove(name);
    if (served != null) {
      registry.unserve(CrdServing.group(crd), served.path("acceptedNames").path("plural").asText());
      schemas.remove(name);
    }
  }

  /** Deletes the CRD's objects; once none is left, drops the finalizer. Returns whether some remain. */
  private boolean cleanUp(ObjectNode crd) {
    if (!Meta.finalizers(crd).contains(CrdServing.CLEANUP_FINALIZER)) {
      return false;
    }
    ResourceType type = CrdServing.storageType(crd);
    ResourceStore objects = registry.unservedStore(type, new ResourceStrategy() { });
    List<ObjectNode> left = objects.list(null, ListOptions.ALL).items();
    for (ObjectNode o : left) {
      try {
        objects.delete(type.namespaced() ? Meta.namespace(o) : null, Meta.name(o), DeleteOptions.DEFAULT);
      } catch (ApiException e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    }
    if (!objects.list(null, ListOptions.ALL).items().isEmpty()) {
      return true;
    }
    crds.guaranteedUpdate(null, Meta.name(crd), Subresource.MAIN, WriteOptions.DEFAULT, "", c -> {
      var finalizers = c.with("metadata").withArray("finalizers");
      for (int i = finalizers.size() - 1; i >= 0; i--) {
        if (finalizers.get(i).asText().equals(CrdServing.CLEANUP_FINALIZER)) {
          finalizers.remove(i);
        }
      }
      return c;
    });
    return false;
  }

  private static void sleep() {
    try {
      Thread.sleep(RETRY_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
