package dev.ordinal.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceType;
import dev.ordinal.api.managedfields.ApplyConflicts;
import dev.ordinal.api.managedfields.FieldManager;
import dev.ordinal.api.managedfields.FieldSchemas;
import dev.ordinal.api.patch.KubernetesPatchSchemas;
import dev.ordinal.api.patch.PatchException;
import dev.ordinal.api.patch.Patches;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.strategy.ResourceStrategy;
import dev.ordinal.apiserver.watch.CacheWatcher;
import dev.ordinal.apiserver.watch.ObjectFilter;
import dev.ordinal.apiserver.watch.WatchCache;
import dev.ordinal.storage.KeyValue;
import dev.ordinal.storage.Storage;
import dev.ordinal.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Create, read, update and delete for the objects of one resource type: the generic metadata
 * rules (uid, timestamps, generation, resourceVersion preconditions), the status/spec split, the
 * type's strategy (defaults, validation), and deletion with finalizers. Reads come from the watch
 * cache; writes go to the store with compare-and-swap on the revision.
 */
public final class ResourceStore {
  private static final int MAX_CONFLICT_RETRIES = 16;
  /** The manager of writes that name none and come from Ordinal's own components (in-process). */
  static final String IN_PROCESS_MANAGER = "ordinal";

  private final ResourceType type;
  private final Storage storage;
  private final WatchCache cache;
  private final ResourceStrategy strategy;
  private final Admission admission;
  private final DeletionRules deletion = new DeletionRules();
  private final FieldManager fieldManager;

  public ResourceStore(ResourceType type, Storage storage, WatchCache cache, ResourceStrategy strategy, Admission admission) {
    this.type = type;
    this.storage = storage;
    this.cache = cache;
    this.strategy = strategy;
    this.admission = admission;
    this.fieldManager = new FieldManager(FieldSchemas.forType(type), type.apiVersion(), type.hasStatus());
  }

  public ResourceType type() {
    return type;
  }

  /** Where the registry checks things across types (namespace existence, field validation). */
  public interface Admission {
    /** Throws when objects may not be created in this namespace (absent or terminating). */
    void checkNamespaceOpen(ResourceType type, String namespace);

    /** Field errors that do not depend on the type's strategy (metadata rules). */
    List<FieldError> validateMetadata(ResourceType type, ObjectNode obj, ObjectNode old);

    /** Unknown fields per the schema, e.g. ".spec.replicass". */
    List<String> unknownFields(ResourceType type, ObjectNode obj);

    /** Changes a new object as admission plugins do (e.g. the default StorageClass of a claim). */
    void admitCreate(ResourceType type, ObjectNode obj);

    /**
     * Changes an updated object (not a status write) after the strategy prepared it, before
     * defaults and validation: e.g. a Service leaving ExternalName gets a cluster IP.
     */
    void admitUpdate(ResourceType type, ObjectNode obj, ObjectNode old);
  }

  // ---- reads

  public ObjectNode get(String namespace, String name) {
    return strategy.fromStorage(cache.get(type.key(namespace, name)).orElseThrow(() -> ApiException.notFound(type, name)));
  }

  /** What this type's objects are defaulted, validated and converted with. */
  public ResourceStrategy strategy() {
    return strategy;
  }

  public ObjectList list(String namespace, ListOptions opts) {
    ObjectFilter filter = Filters.of(type, namespace, opts);
    long limit = opts.limit();
    List<ObjectNode> items;
    long revision;
    if (opts.continueToken() != null && !opts.continueToken().isEmpty()) {
      ContinueToken token = ContinueToken.decode(opts.continueToken());
      revision = token.revision();
      items = listFromStore(filter, token);
    } else {
      WatchCache.Snapshot snap = cache.list(filter, null);
      items = snap.objects();
      if (!items.isEmpty() && strategy.fromStorage(items.get(0)) != items.get(0)) {
        items = items.stream().map(strategy::fromStorage).toList();
      }
      revision = snap.revision();
    }
    if (limit > 0 && items.size() > limit) {
      List<ObjectNode> page = items.subList(0, (int) limit);
      ObjectNode last = page.get(page.size() - 1);
      String lastKey = type.key(Meta.namespace(last), Meta.name(last));
      return new ObjectList(List.copyOf(page), Long.toString(revision),
          new ContinueToken(revision, lastKey).encode(), (long) (items.size() - limit));
    }
    return new ObjectList(items, Long.toString(revision), "", null);
  }

  private List<ObjectNode> listFromStore(ObjectFilter filter, ContinueToken token) {
    try {
      List<ObjectNode> out = new ArrayList<>();
      for (KeyValue kv : storage.list(filter.keyPrefix(), token.revision()).items()) {
        if (kv.key().compareTo(token.lastKey()) <= 0) {
          continue;
        }
        ObjectNode obj = decode(kv);
        if (filter.predicate().test(obj)) {
          out.add(obj);
        }
      }
      return out;
    } catch (StorageException.Compacted e) {
      throw ApiException.gone("The provided continue parameter is too old to display a consistent list result. "
          + "You can start a new list without the continue parameter.");
    }
  }

  /** Starts a watch; events are read from the returned watcher. */
  public CacheWatcher watch(String namespace, ListOptions opts) {
    CacheWatcher w = cache.watch(Filters.of(type, namespace, opts), opts.watchFromRevision());
    return w.viewedAs(strategy::fromStorage);
  }

  public long currentRevision() {
    return cache.storeRevision();
  }

  // ---- writes

  public ObjectNode create(String namespace, ObjectNode obj, WriteOptions opts) {
    return create(namespace, obj.deepCopy(), opts, false);
  }

  /** @param recorded the object's managedFields are already its Apply's (create-on-apply) */
  private ObjectNode create(String namespace, ObjectNode obj, WriteOptions opts, boolean recorded) {
    checkTypeMeta(obj);
    ObjectNode meta = Meta.of(obj);
    if (type.namespaced()) {
      String bodyNs = Meta.namespace(obj);
      if (!bodyNs.isEmpty() && !bodyNs.equals(namespace)) {
        throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
      meta.put("namespace", namespace);
      admission.checkNamespaceOpen(type, namespace);
    } else {
      meta.remove("namespace");
    }
    if (Meta.name(obj).isEmpty() && !Meta.text(obj, "generateName").isEmpty()) {
      meta.put("name", Meta.text(obj, "generateName") + randomSuffix());
    }
    checkUnknownFields(obj, opts);
    checkDecodes(obj);
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", Meta.now());
    for (String f : List.of("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink")) {
      meta.remove(f);
    }
    if (tracksGeneration()) {
      meta.put("generation", 1);
    } else {
      meta.remove("generation");
    }
    strategy.prepareForCreate(obj);
    admission.admitCreate(type, obj);
    strategy.applyDefaults(obj);
    List<FieldError> errors = new ArrayList<>(admission.validateMetadata(type, obj, null));
    errors.addAll(strategy.validateCreate(obj));
    if (!errors.isEmpty()) {
      throw ApiException.invalid(type, Meta.name(obj), errors);
    }
    if (!recorded) {
      recordUpdate(null, obj, Subresource.MAIN, opts);
    }
    JsonNode managed = meta.remove("managedFields");
    if (managed != null) {
      meta.set("managedFields", managed); // last, where Kubernetes writes it
    }
    String key = type.key(namespace, Meta.name(obj));
    if (opts.dryRun()) {
      if (cache.get(key).isPresent()) {
        throw ApiException.alreadyExists(type, Meta.name(obj));
      }
      return obj;
    }
    try {
      withVersion(obj, storage.create(key, Json.bytes(strategy.toStorage(stripVersion(obj)))));
      return obj;
    } catch (StorageException.KeyExists e) {
      throw ApiException.alreadyExists(type, Meta.name(obj));
    }
  }

  /**
   * Replaces an object (PUT). A resourceVersion in the body is a precondition; without one the
   * update is unconditional.
   */
  public ObjectNode update(String namespace, String name, ObjectNode obj, Subresource sub, WriteOptions opts) {
    ObjectNode body = obj.deepCopy();
    checkTypeMeta(body);
    checkNameMatches(name, body);
    checkUnknownFields(body, opts);
    String precondition = Meta.resourceVersion(body);
    return guaranteedUpdate(namespace, name, sub, opts, precondition, current -> body.deepCopy());
  }

  /**
   * Reads the current object, computes the new one with {@code mutate} (which gets a copy it may
   * change) and writes it, retrying on conflicts while {@code precondition} is empty.
   *
   * @param precondition a resourceVersion the object must still have, or ""
   */
  public ObjectNode guaranteedUpdate(
      String namespace, String name, Subresource sub, WriteOptions opts, String precondition,
      UnaryOperator<ObjectNode> mutate) {
    return guaranteedUpdate(namespace, name, sub, opts, precondition, mutate, false);
  }

  /** @param recorded {@code mutate} records the write's managedFields itself (apply) */
  private ObjectNode guaranteedUpdate(
      String namespace, String name, Subresource sub, WriteOptions opts, String precondition,
      UnaryOperator<ObjectNode> mutate, boolean recorded) {
    String key = type.key(namespace, name);
    for (int attempt = 0; ; attempt++) {
      KeyValue currentKv = storage.get(key).orElseThrow(() -> ApiException.notFound(type, name));
      ObjectNode current = decode(currentKv);
      if (!precondition.isEmpty() && !precondition.equals(Meta.resourceVersion(current))) {
        throw ApiException.modified(type, name);
      }
      ObjectNode updated = mutate.apply(current.deepCopy());
      checkDecodes(updated);
      ObjectNode next = prepareUpdate(updated, current, sub);
      if (!recorded) {
        recordUpdate(current, next, sub, opts);
      }
      if (sameContent(next, current)) {
        return current;
      }
      if (opts.dryRun()) {
        return next;
      }
      try {
        if (deletion.readyToRemove(type, next)) {
          KeyValue gone = storage.delete(key, currentKv.modRevision());
          return withVersion(next, gone);
        }
        return withVersion(next, storage.update(key, Json.bytes(strategy.toStorage(stripVersion(next))), currentKv.modRevision()));
      } catch (StorageException.Conflict e) {
        if (!precondition.isEmpty()) {
          throw ApiException.modified(type, name);
        }
        if (attempt >= MAX_CONFLICT_RETRIES) {
          throw ApiException.modified(type, name);
        }
      } catch (StorageException.KeyNotFound e) {
        throw ApiException.notFound(type, name);
      }
    }
  }

  /**
   * Applies a patch of {@code patchType} (a patch Content-Type) to the current object and writes
   * the result like an update; a resourceVersion inside the patch is a precondition.
   */
  public ObjectNode patch(String namespace, String name, Subresource sub, String patchType, JsonNode patch, WriteOptions opts) {
    String precondition = patch.path("metadata").path("resourceVersion").asText("");
    return guaranteedUpdate(namespace, name, sub, opts, precondition, current -> {
      ObjectNode result;
      try {
        result = Patches.apply(Patches.formatOf(patchType), KubernetesPatchSchemas.schemaKey(type), current, patch);
      } catch (PatchException e) {
        throw ApiException.of(e);
      }
      checkUnknownFields(result, opts);
      return result;
    });
  }

  /**
   * Server-side apply ({@code application/apply-patch+yaml}): merges {@code config} into the
   * object as {@code opts.fieldManager()}, creating the object when it does not exist; a
   * resourceVersion in the configuration is a precondition.
   *
   * @throws ApiException 409 with FieldManagerConflict causes when the configuration changes
   *     fields other managers own and {@code opts.force()} is off
   */
  public Applied apply(String namespace, String name, Subresource sub, ObjectNode config, WriteOptions opts) {
    if (opts.fieldManager().isEmpty()) {
      throw new ApiException(422, "Invalid",
          "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch", null);
    }
    ObjectNode cfg = config.deepCopy();
    checkApplyTypeMeta(cfg);
    checkNameMatches(name, cfg);
    if (cfg.path("metadata").has("managedFields")) {
      throw ApiException.badRequest("metadata.managedFields must be nil");
    }
    if (type.namespaced()) {
      String bodyNs = Meta.namespace(cfg);
      if (!bodyNs.isEmpty() && !bodyNs.equals(namespace)) {
        throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
      }
    }
    checkUnknownFields(cfg, opts);
    String precondition = Meta.resourceVersion(cfg);
    String subName = sub.pathName();
    for (int attempt = 0; ; attempt++) {
      if (storage.get(type.key(namespace, name)).isEmpty()) {
        if (sub != Subresource.MAIN || !precondition.isEmpty()) {
          throw ApiException.notFound(type, name);
        }
        ObjectNode created = applyFields(null, cfg, subName, opts);
        try {
          return new Applied(create(namespace, created, opts, true), true);
        } catch (ApiException e) {
          if (!"AlreadyExists".equals(e.reason()) || attempt >= MAX_CONFLICT_RETRIES) {
            throw e;
          }
          continue; // made meanwhile: apply to it
        }
      }
      try {
        return new Applied(guaranteedUpdate(namespace, name, sub, opts, precondition,
            current -> applyFields(current, cfg, subName, opts), true), false);
      } catch (ApiException e) {
        if (e.code() != 404 || attempt >= MAX_CONFLICT_RETRIES) {
          throw e;
        }
      }
    }
  }

  /**
   * What an apply did.
   *
   * @param created the object did not exist and the apply made it (201)
   */
  public record Applied(ObjectNode object, boolean created) {}

  private ObjectNode applyFields(ObjectNode current, ObjectNode cfg, String subName, WriteOptions opts) {
    try {
      return fieldManager.apply(current, cfg, opts.fieldManager(), subName, opts.force(), Meta.now());
    } catch (ApplyConflicts e) {
      ObjectNode details = Json.object();
      com.fasterxml.jackson.databind.node.ArrayNode causes = details.putArray("causes");
      for (ApplyConflicts.Conflict c : e.conflicts()) {
        causes.addObject().put("reason", "FieldManagerConflict").put("message", c.message()).put("field", c.field());
      }
      throw new ApiException(409, "Conflict", e.getMessage(), details);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("failed to create typed patch object (" + type.apiVersion() + ", Kind="
          + type.kind() + "): " + e.getMessage());
    }
  }

  /** Records the write's Update entry; client-sent managedFields that are not valid are a 422. */
  private void recordUpdate(ObjectNode old, ObjectNode next, Subresource sub, WriteOptions opts) {
    String manager = opts.fieldManager().isEmpty() ? IN_PROCESS_MANAGER : opts.fieldManager();
    try {
      fieldManager.update(old, next, manager, sub.pathName(), Meta.now());
    } catch (FieldManager.InvalidManagedFields e) {
      throw ApiException.invalid(type, Meta.name(next), e.errors());
    }
  }

  /** An apply must name its kind and version, and they must be the type's. */
  private void checkApplyTypeMeta(ObjectNode cfg) {
    if (cfg.path("apiVersion").asText("").isEmpty() || cfg.path("kind").asText("").isEmpty()) {
      throw ApiException.badRequest("apiVersion and kind must be set in the applied configuration");
    }
    checkTypeMeta(cfg);
  }

  /**
   * Assigns a pod to a node ({@code pods/binding}): sets {@code spec.nodeName} once.
   *
   * @throws ApiException 409 when the pod is already bound or being deleted
   */
  public ObjectNode bind(String namespace, String name, String nodeName, WriteOptions opts) {
    if (nodeName == null || nodeName.isEmpty()) {
      throw new ApiException(422, "Invalid", "Binding \"" + name + "\" is invalid: target.name: Required value", null);
    }
    return guaranteedUpdate(namespace, name, Subresource.MAIN, opts, "", pod -> {
      String current = pod.path("spec").path("nodeName").asText("");
      if (!current.isEmpty()) {
        throw ApiException.conflict(type, name, "pod " + name + " is already assigned to node \"" + current + "\"");
      }
      if (Meta.isDeleting(pod)) {
        throw ApiException.conflict(type, name, "pod " + name + " is being deleted, cannot be assigned to a host");
      }
      pod.with("spec").put("nodeName", nodeName);
      return pod;
    });
  }

  private ObjectNode prepareUpdate(ObjectNode obj, ObjectNode old, Subresource sub) {
    checkTypeMeta(obj);
    ObjectNode meta = Meta.of(obj);
    ObjectNode oldMeta = Meta.of(old);
    for (String f : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation")) {
      copyField(oldMeta, meta, f);
    }
    copyField(oldMeta, meta, "namespace");
    meta.put("resourceVersion", Meta.resourceVersion(old));
    if (type.hasStatus()) {
      if (sub == Subresource.STATUS) {
        // a status write keeps everything but status (and metadata that may change anyway)
        JsonNode status = obj.get("status");
        ObjectNode keep = old.deepCopy();
        if (status == null) {
          keep.remove("status");
        } else {
          keep.set("status", status);
        }
        keep.set("metadata", meta);
        obj = keep;
      } else if (sub == Subresource.EPHEMERAL_CONTAINERS) {
        // only the ephemeral containers change: everything else stays as stored
        JsonNode ephemeral = obj.path("spec").get("ephemeralContainers");
        ObjectNode keep = old.deepCopy();
        if (ephemeral == null) {
          keep.with("spec").remove("ephemeralContainers");
        } else {
          keep.with("spec").set("ephemeralContainers", ephemeral);
        }
        Meta.of(keep).put("resourceVersion", Meta.resourceVersion(old));
        obj = keep;
      } else if (sub == Subresource.RESIZE) {
        obj = PodResizeFields.keepOnlyResize(obj, old);
      } else {
        copyField(old, obj, "status");
      }
    }
    if (sub == Subresource.MAIN) {
      strategy.prepareForUpdate(obj, old);
      admission.admitUpdate(type, obj, old);
      strategy.applyDefaults(obj);
    } else if (sub == Subresource.EPHEMERAL_CONTAINERS || sub == Subresource.RESIZE) {
      strategy.applyDefaults(obj);
    }
    if (tracksGeneration() && specChanged(obj, old)) {
      Meta.of(obj).put("generation", old.path("metadata").path("generation").asLong(0) + 1);
    }
    List<FieldError> errors = new ArrayList<>(admission.validateMetadata(type, obj, old));
    switch (sub) {
      case MAIN -> errors.addAll(strategy.validateUpdate(obj, old));
      case STATUS -> errors.addAll(strategy.validateStatusUpdate(obj, old));
      case EPHEMERAL_CONTAINERS -> errors.addAll(strategy.validateEphemeralContainersUpdate(obj, old));
      case RESIZE -> errors.addAll(strategy.validateResize(obj, old));
    }
    if (Meta.isDeleting(old)) {
      List<String> added = new ArrayList<>(Meta.finalizers(obj));
      added.removeAll(Meta.finalizers(old));
      if (!added.isEmpty()) {
        errors.add(FieldError.forbidden("metadata.finalizers",
            "no new finalizers can be added if the object is being deleted, found new finalizers " + added));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(type, Meta.name(obj), errors);
    }
    return obj;
  }

  private static boolean specChanged(ObjectNode obj, ObjectNode old) {
    ObjectNode a = obj.deepCopy();
    ObjectNode b = old.deepCopy();
    for (ObjectNode o : List.of(a, b)) {
      o.remove("metadata");
      o.remove("status");
    }
    return !a.equals(b);
  }

  /** Equal as stored: compared serialized, so 0 as an int and 0 as a long are the same value. */
  private static boolean sameContent(ObjectNode a, ObjectNode b) {
    return a.equals(b) || java.util.Arrays.equals(Json.bytes(a), Json.bytes(b));
  }

  private boolean tracksGeneration() {
    // the workloads and policy/v1 PodDisruptionBudgets (whose status reports observedGeneration)
    return (type.group().equals("apps") && !type.kind().equals("ControllerRevision"))
        || type.kind().equals("ReplicationController") || type.group().equals("policy")
        || type.group().equals("batch") || strategy.tracksGeneration();
  }

  /**
   * Deletes an object, or marks it for deletion when finalizers or a grace period hold it.
   * Returns the object as deleted or as marked.
   */
  public DeleteOutcome delete(String namespace, String name, DeleteOptions opts) {
    String key = type.key(namespace, name);
    for (int attempt = 0; ; attempt++) {
      KeyValue currentKv = storage.get(key).orElseThrow(() -> ApiException.notFound(type, name));
      ObjectNode current = decode(currentKv);
      if (opts.preconditionUid() != null && !opts.preconditionUid().equals(Meta.uid(current))) {
        throw ApiException.conflict(type, name, "Precondition failed: UID in precondition: "
            + opts.preconditionUid() + ", UID in object meta: " + Meta.uid(current));
      }
      if (opts.preconditionResourceVersion() != null
          && !opts.preconditionResourceVersion().equals(Meta.resourceVersion(current))) {
        throw ApiException.conflict(type, name, "Precondition failed: ResourceVersion in precondition: "
            + opts.preconditionResourceVersion() + ", ResourceVersion in object meta: " + Meta.resourceVersion(current));
      }
      ObjectNode marked = deletion.markForDeletion(type, current.deepCopy(), opts);
      try {
        if (marked == null) {
          if (opts.dryRun()) {
            return new DeleteOutcome(current, true);
          }
          return new DeleteOutcome(withVersion(current, storage.delete(key, currentKv.modRevision())), true);
        }
        if (marked.equals(current) || opts.dryRun()) {
          return new DeleteOutcome(marked, false);
        }
        return new DeleteOutcome(
            withVersion(marked, storage.update(key, Json.bytes(strategy.toStorage(stripVersion(marked))), currentKv.modRevision())), false);
      } catch (StorageException.Conflict e) {
        if (attempt >= MAX_CONFLICT_RETRIES) {
          throw ApiException.modified(type, name);
        }
      } catch (StorageException.KeyNotFound e) {
        throw ApiException.notFound(type, name);
      }
    }
  }

  /**
   * What a delete did.
   *
   * @param deleted true when the object is gone; false when it is only marked (finalizers, grace)
   */
  public record DeleteOutcome(ObjectNode object, boolean deleted) {}

  // ---- helpers

  private void checkTypeMeta(ObjectNode obj) {
    String apiVersion = obj.path("apiVersion").asText("");
    String kind = obj.path("kind").asText("");
    if ((!apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion())) || (!kind.isEmpty() && !kind.equals(type.kind()))) {
      throw ApiException.badRequest("the API version in the data (" + apiVersion + ") does not match the expected API version ("
          + type.apiVersion() + ")" + (kind.equals(type.kind()) ? "" : " or kind (" + kind + " vs " + type.kind() + ")"));
    }
    ObjectNode reordered = Json.object();
    reordered.put("kind", type.kind());
    reordered.put("apiVersion", type.apiVersion());
    obj.remove("kind");
    obj.remove("apiVersion");
    reordered.setAll(obj);
    obj.removeAll();
    obj.setAll(reordered);
    if (!(obj.get("metadata") instanceof ObjectNode)) {
      if (obj.has("metadata") && !obj.get("metadata").isNull()) {
        throw ApiException.badRequest("metadata must be an object");
      }
      obj.putObject("metadata");
    }
  }

  private void checkNameMatches(String name, ObjectNode body) {
    String bodyName = Meta.name(body);
    if (!bodyName.isEmpty() && !bodyName.equals(name)) {
      throw ApiException.badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
    }
    Meta.of(body).put("name", name);
  }

  /** Rejects values of the wrong JSON type (a string where a number belongs) as Kubernetes' decoder does. */
  private void checkDecodes(ObjectNode obj) {
    try {
      Json.MAPPER.convertValue(obj, type.modelClass());
    } catch (IllegalArgumentException e) {
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
          + type.kind() + ": " + why);
    }
  }

  private void checkUnknownFields(ObjectNode obj, WriteOptions opts) {
    if (opts.fieldValidation() != WriteOptions.FieldValidation.STRICT) {
      return;
    }
    List<String> unknown = strategy.unknownFields(obj).orElseGet(() -> admission.unknownFields(type, obj));
    if (!unknown.isEmpty()) {
      String list = String.join(", ", unknown.stream().map(f -> "unknown field \"" + f + "\"").toList());
      throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
          + type.kind() + ": strict decoding error: " + list);
    }
  }

  private static void copyField(ObjectNode from, ObjectNode to, String field) {
    JsonNode v = from.get(field);
    if (v == null) {
      to.remove(field);
    } else {
      to.set(field, v);
    }
  }

  private ObjectNode decode(KeyValue kv) {
    ObjectNode obj = Json.parseObject(kv.value());
    Meta.of(obj).put("resourceVersion", Long.toString(kv.modRevision()));
    return strategy.fromStorage(obj);
  }

  private static ObjectNode stripVersion(ObjectNode obj) {
    ObjectNode copy = obj.deepCopy();
    Meta.of(copy).remove("resourceVersion");
    return copy;
  }

  private static ObjectNode withVersion(ObjectNode obj, KeyValue kv) {
    Meta.of(obj).put("resourceVersion", Long.toString(kv.modRevision()));
    return obj;
  }

  private static final String SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  private static String randomSuffix() {
    StringBuilder b = new StringBuilder();
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < 5; i++) {
      b.append(SUFFIX_CHARS.charAt(r.nextInt(SUFFIX_CHARS.length())));
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "ResourceStore[" + Objects.toString(type.qualifiedName()) + "]";
  }
}
