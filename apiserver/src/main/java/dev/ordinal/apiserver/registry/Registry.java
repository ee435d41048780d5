package dev.ordinal.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.auth.ServiceAccountTokens;
import dev.ordinal.apiserver.auth.SigningKey;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.openapi.UnknownFields;
import dev.ordinal.apiserver.strategy.ObjectMetaValidation;
import dev.ordinal.apiserver.strategy.Strategies;
import dev.ordinal.apiserver.watch.CacheSet;
import dev.ordinal.storage.Storage;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The resource stores of every served type, and the checks that span types. */
public final class Registry implements ResourceStore.Admission, AutoCloseable {
  private final ResourceCatalog catalog;
  private final CacheSet caches;
  private final Map<ResourceType, ResourceStore> stores = new java.util.concurrent.ConcurrentHashMap<>();
  private final Storage storage;
  private final ResourceType namespaces;
  private final UnknownFields unknownFields;
  private final ServiceIps serviceIps;
  private final ServiceNodePorts serviceNodePorts;
  private final ServiceAccountTokens tokens;
  private final TokenRequests tokenRequests;
  private final dev.ordinal.apiserver.authz.RbacAuthorizer authorizer;
  private final dev.ordinal.apiserver.authz.RbacEscalation escalation;
  private final dev.ordinal.apiserver.audit.Auditor audit = new dev.ordinal.apiserver.audit.Auditor();
  private volatile boolean serviceAccountAdmission;
  private volatile dev.ordinal.api.schema.CustomSchemas customSchemas = dev.ordinal.api.schema.CustomSchemas.NONE;
  private volatile String clusterCaPem;

  /** With a signing key of this JVM's (tests that need no tokens that outlive them). */
  public Registry(ResourceCatalog catalog, Storage storage) {
    this(catalog, storage, SigningKey.ephemeral());
  }

  /** @param signingKey what ServiceAccount tokens are signed with (the data directory's) */
  public Registry(ResourceCatalog catalog, Storage storage, SigningKey signingKey) {
    // a copy of its own: CustomResourceDefinitions add and remove types while it serves
    this.catalog = catalog.mutableCopy();
    this.storage = storage;
    this.caches = new CacheSet(storage, catalog);
    this.unknownFields = new UnknownFields(catalog);
    for (ResourceType t : catalog.all()) {
      stores.put(t, new ResourceStore(t, storage, caches.cache(t), Strategies.forType(t), this));
    }
    this.namespaces = catalog.byPlural("", "v1", "namespaces").orElseThrow();
    java.util.function.Supplier<Iterable<ObjectNode>> storedServices = () -> catalog.byPlural("", "v1", "services")
        .map(stores::get).map(s -> (Iterable<ObjectNode>) s.list(null, ListOptions.ALL).items()).orElse(List.of());
    this.serviceIps = new ServiceIps(storedServices);
    this.serviceNodePorts = new ServiceNodePorts(storedServices, new java.util.Random());
    this.tokens = new ServiceAccountTokens(signingKey, new TokenLookup(), java.time.Clock.systemUTC());
    this.tokenRequests = new TokenRequests(this, tokens);
    List<ResourceType> rbac = List.of("roles", "clusterroles", "rolebindings", "clusterrolebindings").stream()
        .map(p -> catalog.byPlural("rbac.authorization.k8s.io", "v1", p).orElseThrow()).toList();
    this.authorizer = new dev.ordinal.apiserver.authz.RbacAuthorizer(() -> {
      caches.syncWithStore();
      long v = 0;
      for (ResourceType t : rbac) {
        v = Math.max(v, caches.cache(t).lastChange());
      }
      return v;
    }, () -> new dev.ordinal.apiserver.authz.RbacSnapshot(all(rbac.get(0)), all(rbac.get(1)), all(rbac.get(2)), all(rbac.get(3))));
    this.escalation = new dev.ordinal.apiserver.authz.RbacEscalation(authorizer);
    ResourceType pods = catalog.byPlural("", "v1", "pods").orElseThrow();
    ResourceType claims = catalog.byPlural("", "v1", "persistentvolumeclaims").orElseThrow();
    authorizer.nodes(new dev.ordinal.apiserver.authz.NodeAuthorizer(
        node -> stores.get(pods).list(null, ListOptions.ALL).items().stream()
            .filter(p -> node.equals(p.path("spec").path("nodeName").asText())).toList(),
        (ns, name) -> find(pods, ns, name), (ns, name) -> find(claims, ns, name)));
  }

  private List<ObjectNode> all(ResourceType type) {
    return stores.get(type).list(null, ListOptions.ALL).items();
  }

  /**
   * The audit log's front: the HTTP handler records answered requests, in-process components'
   * clients their calls, so both land in one log.
   */
  public dev.ordinal.apiserver.audit.Auditor audit() {
    return audit;
  }

  /** RBAC: who may do what, from the Roles, ClusterRoles and bindings stored. */
  public dev.ordinal.apiserver.authz.RbacAuthorizer authorizer() {
    return authorizer;
  }

  /** ServiceAccount tokens: issued by {@link #tokenRequests()}, checked by the authenticator. */
  public ServiceAccountTokens tokens() {
    return tokens;
  }

  /** The TokenRequest API ({@code serviceaccounts/NAME/token}). */
  public TokenRequests tokenRequests() {
    return tokenRequests;
  }

  /**
   * Turns on the ServiceAccount admission of pods. Off by default: it needs the controller that
   * keeps a {@code default} ServiceAccount in every namespace, which API-server-only setups lack.
   *
   * @param clusterCaPem the cluster CA, for legacy token Secrets' {@code ca.crt}
   */
  public void enableServiceAccountAdmission(String clusterCaPem) {
    this.clusterCaPem = clusterCaPem;
    serviceAccountAdmission = true;
  }

  /** An object, or empty when absent: the cached one, not to be changed. */
  public Optional<ObjectNode> find(ResourceType type, String namespace, String name) {
    try {
      return Optional.of(stores.get(type).get(type.namespaced() ? namespace : null, name));
    } catch (ApiException e) {
      if (e.code() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private Optional<ObjectNode> find(String plural, String namespace, String name) {
    return find(catalog.byPlural("", "v1", plural).orElseThrow(), namespace, name);
  }

  /** What token validation reads: the objects a token names, from the watch caches. */
  private final class TokenLookup implements ServiceAccountTokens.Lookup {
    @Override
    public Optional<ObjectNode> serviceAccount(String namespace, String name) {
      return find("serviceaccounts", namespace, name);
    }

    @Override
    public Optional<ObjectNode> pod(String namespace, String name) {
      return find("pods", namespace, name);
    }

    @Override
    public Optional<ObjectNode> secret(String namespace, String name) {
      return find("secrets", namespace, name);
    }

    @Override
    public Optional<ObjectNode> node(String name) {
      return find("nodes", null, name);
    }
  }

  /** Loads the caches; call once before serving. */
  public void start() {
    caches.start();
  }

  public ResourceCatalog catalog() {
    return catalog;
  }

  /**
   * The store of {@code type}, or null when it is not served; a type a component built from a CRD
   * itself is found by its group, version and plural.
   */
  public ResourceStore store(ResourceType type) {
    ResourceStore s = stores.get(type);
    return s != null ? s : store(type.group(), type.version(), type.plural()).orElse(null);
  }

  public Optional<ResourceStore> store(String group, String version, String plural) {
    return catalog.byPlural(group, version, plural).map(stores::get);
  }

  /**
   * Serves {@code types} (the versions of one custom resource) at once, each with its strategy, in
   * place of whatever was served for their group and plural; every version shares one storage
   * prefix, so one watch cache. The stores are in place before the catalogue names the types, so
   * whoever finds a type in discovery finds its store.
   */
  public void serve(String group, String plural, Map<ResourceType, ? extends dev.ordinal.apiserver.strategy.ResourceStrategy> types) {
    List<ResourceType> before = catalog.all().stream().filter(t -> t.group().equals(group) && t.plural().equals(plural)).toList();
    types.forEach((t, strategy) -> stores.put(t, new ResourceStore(t, storage, caches.cache(t), strategy, this)));
    catalog.serve(group, plural, List.copyOf(types.keySet()));
    for (ResourceType t : before) {
      if (!types.containsKey(t)) {
        stores.remove(t);
      }
    }
  }

  /**
   * The served custom resources' schemas (list types and map keys for server-side apply);
   * {@link dev.ordinal.api.schema.CustomSchemas#NONE} until the CRD controller is set up.
   */
  public dev.ordinal.api.schema.CustomSchemas customSchemas() {
    return customSchemas;
  }

  /** Where {@link #customSchemas()} answers from: the CRD controller's view. */
  public void useCustomSchemas(dev.ordinal.api.schema.CustomSchemas schemas) {
    this.customSchemas = schemas;
  }

  /** Stops serving every version of a custom resource (its objects stay stored until deleted). */
  public void unserve(String group, String plural) {
    serve(group, plural, Map.of());
  }

  /** Writes and reads through storage, for what cleans up a type no longer served (a deleted CRD's objects). */
  public ResourceStore unservedStore(ResourceType type, dev.ordinal.apiserver.strategy.ResourceStrategy strategy) {
    return new ResourceStore(type, storage, caches.cache(type), strategy, this);
  }

  @Override
  public void checkNamespaceOpen(ResourceType type, String namespace) {
    ObjectNode ns;
    try {
      ns = stores.get(namespaces).get(null, namespace);
    } catch (ApiException e) {
      if (e.code() == 404) {
        throw ApiException.notFound(namespaces, namespace);
      }
      throw e;
    }
    if (Meta.isDeleting(ns)) {
      throw ApiException.forbidden(type.plural() + " is forbidden: unable to create new content in namespace "
          + namespace + " because it is being terminated");
    }
  }

  @Override
  public List<FieldError> validateMetadata(ResourceType type, ObjectNode obj, ObjectNode old) {
    return old == null ? ObjectMetaValidation.validate(type, obj) : ObjectMetaValidation.validateUpdate(type, obj, old);
  }

  @Override
  public List<String> unknownFields(ResourceType type, ObjectNode obj) {
    return unknownFields.find(type, obj);
  }

  /**
   * Kubernetes' DefaultStorageClass admission (a claim without a class gets the default one), and
   * ClusterIP and node port allocation for Services.
   */
  @Override
  public void admitCreate(ResourceType type, ObjectNode obj) {
    dev.ordinal.apiserver.authz.NodeAuthorizer.admitCreate(dev.ordinal.apiserver.authz.RequestUser.current(), type.kind(), obj);
    if (dev.ordinal.apiserver.authz.RbacEscalation.applies(type.group())) {
      escalation.admit(type.kind(), obj, null);
      return;
    }
    if (isService(type)) {
      serviceIps.admitCreate(type, obj);
      serviceNodePorts.admitCreate(type, obj);
      return;
    }
    if (serviceAccountAdmission && type.kind().equals("Pod") && type.group().isEmpty()) {
      String ns = Meta.namespace(obj);
      ServiceAccountAdmission.admit(obj, name -> serviceAccount(ns, name), ServiceAccountAdmission::randomSuffix);
      return;
    }
    if (isSecret(type) && LegacyTokenSecrets.applies(obj)) {
      String ns = Meta.namespace(obj);
      LegacyTokenSecrets.fill(type, obj, name -> find("serviceaccounts", ns, name), tokens, clusterCaPem);
      return;
    }
    if (!type.kind().equals("PersistentVolumeClaim") || obj.path("spec").has("storageClassName")) {
      return;
    }
    ResourceType classes = catalog.byPlural("storage.k8s.io", "v1", "storageclasses").orElseThrow();
    for (ObjectNode sc : stores.get(classes).list(null, ListOptions.ALL).items()) {
      if ("true".equals(Meta.annotations(sc).get("storageclass.kubernetes.io/is-default-class"))) {
        obj.with("spec").put("storageClassName", Meta.name(sc));
        return;
      }
    }
  }

  /**
   * A ServiceAccount for the admission. The {@code default} one of a namespace made a moment ago may
   * not be there yet (its controller adds it within milliseconds), so that one is waited for briefly,
   * where upstream makes clients retry.
   */
  private Optional<ObjectNode> serviceAccount(String namespace, String name) {
    Optional<ObjectNode> sa = find("serviceaccounts", namespace, name);
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (sa.isEmpty() && name.equals("default") && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      sa = find("serviceaccounts", namespace, name);
    }
    return sa;
  }

  /** Cluster IPs and node ports follow a Service's type changes. */
  @Override
  public void admitUpdate(ResourceType type, ObjectNode obj, ObjectNode old) {
    if (dev.ordinal.apiserver.authz.RbacEscalation.applies(type.group())) {
      escalation.admit(type.kind(), obj, old);
    }
    if (isService(type)) {
      serviceIps.admitUpdate(type, obj, old);
      serviceNodePorts.admitUpdate(type, obj, old);
    }
    if (isSecret(type) && LegacyTokenSecrets.applies(obj)) {
      String ns = Meta.namespace(obj);
      LegacyTokenSecrets.fill(type, obj, name -> find("serviceaccounts", ns, name), tokens, clusterCaPem);
    }
  }

  private static boolean isSecret(ResourceType type) {
    return type.kind().equals("Secret") && type.group().isEmpty();
  }

  private static boolean isService(ResourceType type) {
    return type.kind().equals("Service") && type.group().isEmpty();
  }

  @Override
  public void close() {
    caches.close();
  }
}
