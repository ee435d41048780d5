package dev.ordinal.controllers.gc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.DeletionRules;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.ServedTypes;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes objects whose owners are gone, and carries out the Orphan and Foreground propagation
 * policies, as Kubernetes' garbage collector does:
 *
 * <ul>
 *   <li>an object all of whose owners are absent is deleted (Background); absent owners among
 *       live ones are removed from its ownerReferences;
 *   <li>an owner marked with the {@code orphan} finalizer has itself removed from its dependents'
 *       ownerReferences, then loses the finalizer;
 *   <li>an owner marked with {@code foregroundDeletion} has its dependents deleted and loses the
 *       finalizer once none with {@code blockOwnerDeletion} remain.
 * </ul>
 *
 * Whether an owner is absent is always checked against the API, never the informers alone, so
 * an owner created a moment ago is never mistaken for a missing one.
 */
public final class GarbageCollector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

  private final Client client;
  private final ServedTypes types;
  // one per served type; custom resources' come and go with their CRDs
  private final Map<ResourceType, Informer> informers = new ConcurrentHashMap<>();
  private volatile boolean started;
  private final OwnerGraph graph = new OwnerGraph();
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  private final EventRecorder events;

  public GarbageCollector(Client client, ResourceCatalog catalog) {
    this.client = client;
    this.events = new EventRecorder(client, "garbage-collector-controller");
    this.types = new ServedTypes(client, catalog).onChange(this::served);
    for (ResourceType t : catalog.all()) {
      informers.put(t, informer(t));
    }
    this.worker = new Worker("gc", queue, key -> ObjectRef.parse(types::byKind, key).flatMap(this::collect), 2);
  }

  public void start() {
    started = true;
    informers.values().forEach(Informer::start);
    types.start();
    worker.start();
  }

  private Informer informer(ResourceType t) {
    return new Informer(client, t).onChange((old, cur, deleted) -> observe(t, cur, deleted));
  }

  /** A CRD's type begins or ends being served: its objects are followed as the built-in ones. */
  private void served(ResourceType t, boolean served) {
    if (served) {
      Informer i = informer(t);
      if (informers.putIfAbsent(t, i) == null && started) {
        i.start();
      }
    } else {
      Informer gone = informers.remove(t);
      if (gone != null) {
        gone.close();
      }
    }
  }

  private void observe(ResourceType type, ObjectNode obj, boolean deleted) {
    if (deleted) {
      graph.remove(obj);
      graph.dependents(Meta.uid(obj)).forEach(d -> queue.add(d.key()));
      return;
    }
    graph.put(type, obj);
    List<String> finalizers = Meta.finalizers(obj);
    if (!Meta.ownerReferences(obj).isEmpty()
        || (Meta.isDeleting(obj) && (finalizers.contains(DeletionRules.ORPHAN) || finalizers.contains(DeletionRules.FOREGROUND)))) {
      queue.add(ObjectRef.of(type, obj).key());
    }
  }

  /** One pass over one object; returns a delay when it must be looked at again. */
  Optional<Duration> collect(ObjectRef ref) {
    Optional<ObjectNode> found = client.find(ref.type(), ref.namespace(), ref.name());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode obj = found.get();
    List<String> finalizers = Meta.finalizers(obj);
    if (Meta.isDeleting(obj) && finalizers.contains(DeletionRules.ORPHAN)) {
      orphanDependents(obj);
      removeFinalizer(ref, DeletionRules.ORPHAN);
      return Optional.empty();
    }
    if (Meta.isDeleting(obj) && finalizers.contains(DeletionRules.FOREGROUND)) {
      if (deleteDependents(obj)) {
        removeFinalizer(ref, DeletionRules.FOREGROUND);
        return Optional.empty();
      }
      return Optional.of(Duration.ofSeconds(1));
    }
    return checkOwners(ref, obj);
  }

  private Optional<Duration> checkOwners(ObjectRef ref, ObjectNode obj) {
    List<ObjectNode> refs = Meta.ownerReferences(obj);
    if (refs.isEmpty() || Meta.isDeleting(obj)) {
      return Optional.empty();
    }
    List<String> absent = new ArrayList<>();
    boolean solidOwner = false;
    boolean waitingOwner = false;
    for (ObjectNode owner : refs) {
      OwnerState state = ownerState(ref, owner);
      switch (state) {
        case ABSENT -> absent.add(owner.path("uid").asText());
        case SOLID -> solidOwner = true;
        case WAITING_FOR_DEPENDENTS -> waitingOwner = true;
        case UNKNOWN_KIND -> solidOwner = true; // never collect what we cannot check
      }
    }
    if (!solidOwner && !waitingOwner) {
      log.info("deleting {} {}: its owners are gone", ref.type().kind(), Informer.key(ref.namespace(), ref.name()));
      deleteQuietly(ref, DeleteOptions.withPropagation("Background"));
    } else if (!solidOwner) {
      deleteQuietly(ref, DeleteOptions.withPropagation("Foreground"));
    } else if (!absent.isEmpty()) {
      removeOwnerRefs(ref, absent);
    }
    return Optional.empty();
  }

  private enum OwnerState {
    ABSENT,
    SOLID,
    WAITING_FOR_DEPENDENTS,
    UNKNOWN_KIND
  }

  private OwnerState ownerState(ObjectRef dependent, ObjectNode ownerRef) {
    Optional<ResourceType> type = types.byKind(ownerRef.path("apiVersion").asText(), ownerRef.path("kind").asText());
    if (type.isEmpty()) {
      return OwnerState.UNKNOWN_KIND;
    }
    String ns = type.get().namespaced() ? dependent.namespace() : null;
    if (type.get().namespaced() && ns == null) {
      // a cluster-scoped object cannot be owned by a namespaced one: the reference is dangling
      client.find(dependent.type(), null, dependent.name()).ifPresent(obj -> events.warning(obj, "OwnerRefInvalidNamespace",
          "ownerRef " + ownerRef + " does not resolve to a cluster-scoped owner"));
      return OwnerState.ABSENT;
    }
    Optional<ObjectNode> owner = client.find(type.get(), ns, ownerRef.path("name").asText());
    if (owner.isEmpty() || !Meta.uid(owner.get()).equals(ownerRef.path("uid").asText())) {
      return OwnerState.ABSENT;
    }
    boolean blocks = ownerRef.path("blockOwnerDeletion").asBoolean(false);
    if (Meta.isDeleting(owner.get()) && Meta.finalizers(owner.get()).contains(DeletionRules.FOREGROUND) && blocks) {
      return OwnerState.WAITING_FOR_DEPENDENTS;
    }
    return OwnerState.SOLID;
  }

  private void orphanDependents(ObjectNode owner) {
    String uid = Meta.uid(owner);
    for (ObjectRef d : graph.dependents(uid)) {
      try {
        removeOwnerRefs(d, List.of(uid));
      } catch (ApiException e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    }
  }

  /** Deletes the owner's dependents; true once none that block the owner's deletion remain. */
  private boolean deleteDependents(ObjectNode owner) {
    String uid = Meta.uid(owner);
    boolean blocked = false;
    for (ObjectRef d : graph.dependents(uid)) {
      Optional<ObjectNode> dep = client.find(d.type(), d.namespace(), d.name());
      if (dep.isEmpty()) {
        continue;
      }
      boolean blocks = Meta.ownerReferences(dep.get()).stream()
          .anyMatch(r -> r.path("uid").asText().equals(uid) && r.path("blockOwnerDeletion").asBoolean(false));
      if (!Meta.isDeleting(dep.get())) {
        deleteQuietly(d, DeleteOptions.withPropagation("Foreground"));
      }
      blocked |= blocks && client.find(d.type(), d.namespace(), d.name()).isPresent();
    }
    return !blocked;
  }

  private void removeOwnerRefs(ObjectRef ref, List<String> uids) {
    ObjectNode obj = client.get(ref.type(), ref.namespace(), ref.name());
    ArrayNode kept = obj.arrayNode();
    for (ObjectNode r : Meta.ownerReferences(obj)) {
      if (!uids.contains(r.path("uid").asText())) {
        kept.add(r);
      }
    }
    if (kept.isEmpty()) {
      Meta.of(obj).remove("ownerReferences");
    } else {
      Meta.of(obj).set("ownerReferences", kept);
    }
    client.update(ref.type(), obj);
  }

  private void removeFinalizer(ObjectRef ref, String finalizer) {
    ObjectNode obj = client.get(ref.type(), ref.namespace(), ref.name());
    List<String> f = Meta.finalizers(obj);
    if (f.remove(finalizer)) {
      Meta.setFinalizers(obj, f);
      client.update(ref.type(), obj);
    }
  }

  private void deleteQuietly(ObjectRef ref, DeleteOptions opts) {
    try {
      client.delete(ref.type(), ref.namespace(), ref.name(), opts);
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }

  @Override
  public void close() {
    worker.close();
    types.close();
    informers.values().forEach(Informer::close);
  }
}
