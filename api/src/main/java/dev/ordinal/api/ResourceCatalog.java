package dev.ordinal.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every resource type Ordinal serves, in the order discovery lists them. The standard catalogue
 * is immutable; a {@link #mutableCopy()} (the API server's) also serves the types that
 * CustomResourceDefinitions add while it runs. Readers see one consistent snapshot per call.
 */
public final class ResourceCatalog {

  private static final ResourceCatalog STANDARD = new ResourceCatalog(standardTypes(), false);

  /** One immutable state of the catalogue, replaced whole on every change. */
  private record Snapshot(List<ResourceType> types, Map<String, ResourceType> byPath, Map<String, ResourceType> byKind) {
    static Snapshot of(List<ResourceType> types) {
      Map<String, ResourceType> byPath = new LinkedHashMap<>();
      Map<String, ResourceType> byKind = new LinkedHashMap<>();
      for (ResourceType t : types) {
        byPath.put(t.group() + "/" + t.version() + "/" + t.plural(), t);
        byKind.put(t.apiVersion() + "/" + t.kind(), t);
      }
      return new Snapshot(List.copyOf(types), byPath, byKind);
    }
  }

  private final boolean mutable;
  private final Object writeLock = new Object();
  private volatile Snapshot snapshot;

  public ResourceCatalog(List<ResourceType> types) {
    this(types, false);
  }

  private ResourceCatalog(List<ResourceType> types, boolean mutable) {
    this.snapshot = Snapshot.of(types);
    this.mutable = mutable;
  }

  public static ResourceCatalog standard() {
    return STANDARD;
  }

  /** A catalogue with the same types that {@link #serve} and {@link #unserve} may change. */
  public ResourceCatalog mutableCopy() {
    return new ResourceCatalog(snapshot.types(), true);
  }

  /**
   * Serves {@code added} in place of every type of the same group and plural (all versions of a
   * custom resource change together), appended after the types served so far.
   *
   * @throws IllegalStateException on an immutable catalogue
   */
  public void serve(String group, String plural, List<ResourceType> added) {
    checkMutable();
    synchronized (writeLock) {
      List<ResourceType> next = new ArrayList<>(snapshot.types());
      next.removeIf(t -> t.group().equals(group) && t.plural().equals(plural));
      next.addAll(added);
      snapshot = Snapshot.of(next);
    }
  }

  /** Stops serving every version of {@code group}/{@code plural}. */
  public void unserve(String group, String plural) {
    serve(group, plural, List.of());
  }

  private void checkMutable() {
    if (!mutable) {
      throw new IllegalStateException("this resource catalogue is immutable; use mutableCopy()");
    }
  }

  public List<ResourceType> all() {
    return snapshot.types();
  }

  /** The type served at /apis/{group}/{version}/{plural} (group "" for /api/v1). */
  public Optional<ResourceType> byPlural(String group, String version, String plural) {
    return Optional.ofNullable(snapshot.byPath().get(group + "/" + version + "/" + plural));
  }

  /** The type of an object with this apiVersion and kind. */
  public Optional<ResourceType> byKind(String apiVersion, String kind) {
    return Optional.ofNullable(snapshot.byKind().get(apiVersion + "/" + kind));
  }

  /** Group/versions in discovery order, e.g. ["v1", "apps/v1", ...]. */
  public List<String> groupVersions() {
    List<String> out = new ArrayList<>();
    for (ResourceType t : snapshot.types()) {
      if (!out.contains(t.apiVersion())) {
        out.add(t.apiVersion());
      }
    }
    return out;
  }

  public List<ResourceType> inGroupVersion(String group, String version) {
    return snapshot.types().stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
  }

  private static List<ResourceType> standardTypes() {
    List<ResourceType> t = new ArrayList<>();
    t.add(core("namespaces", "namespace", "Namespace", false, List.of("ns"), none(), Set.of("status", "finalize"), Namespace.class));
    t.add(core("pods", "pod", "Pod", true, List.of("po"), inAll(), Set.of("status", "binding", "log", "exec", "attach", "eviction", "ephemeralcontainers", "resize"), Pod.class));
    t.add(core("services", "service", "Service", true, List.of("svc"), inAll(), Set.of("status"), Service.class));
    t.add(core("endpoints", "endpoints", "Endpoints", true, List.of("ep"), none(), Set.of(), Endpoints.class));
    t.add(core("configmaps", "configmap", "ConfigMap", true, List.of("cm"), none(), Set.of(), ConfigMap.class));
    t.add(core("secrets", "secret", "Secret", true, List.of(), none(), Set.of(), Secret.class));
    t.add(core("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, List.of("pvc"), none(), Set.of("status"), PersistentVolumeClaim.class));
    t.add(core("persistentvolumes", "persistentvolume", "PersistentVolume", false, List.of("pv"), none(), Set.of("status"), PersistentVolume.class));
    t.add(core("nodes", "node", "Node", false, List.of("no"), none(), Set.of("status"), Node.class));
    t.add(core("replicationcontrollers", "replicationcontroller", "ReplicationController", true, List.of("rc"), inAll(), Set.of("status", "scale"), ReplicationController.class));
    t.add(core("events", "event", "Event", true, List.of("ev"), none(), Set.of(), Event.class));
    t.add(core("serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa"), none(), Set.of("token"), ServiceAccount.class));
    t.add(new ResourceType("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, List.of("sts"), inAll(), Set.of("status", "scale"), StatefulSet.class));
    t.add(new ResourceType("apps", "v1", "deployments", "deployment", "Deployment", true, List.of("deploy"), inAll(), Set.of("status", "scale"), Deployment.class));
    t.add(new ResourceType("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, List.of("rs"), inAll(), Set.of("status", "scale"), ReplicaSet.class));
    t.add(new ResourceType("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, List.of("ds"), inAll(), Set.of("status"), DaemonSet.class));
    t.add(new ResourceType("apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true, List.of(), none(), Set.of(), ControllerRevision.class));
    t.add(new ResourceType("batch", "v1", "jobs", "job", "Job", true, List.of(), inAll(), Set.of("status"), io.fabric8.kubernetes.api.model.batch.v1.Job.class));
    t.add(new ResourceType("batch", "v1", "cronjobs", "cronjob", "CronJob", true, List.of("cj"), inAll(), Set.of("status"), io.fabric8.kubernetes.api.model.batch.v1.CronJob.class));
    t.add(new ResourceType("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, List.of(), none(), Set.of(), EndpointSlice.class));
    t.add(new ResourceType("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", false, List.of("sc"), none(), Set.of(), StorageClass.class));
    // served built in, not as the CRDs upstream installs: the snapshot controller and the
    // provisioner's restores depend on them from the first request, and their checks are Java
    // strategies as every other built-in type's (see docs/storage.md, Snapshots)
    t.add(snapshots("volumesnapshotclasses", "volumesnapshotclass", "VolumeSnapshotClass", false, List.of("vsclass", "vsclasses"), Set.of()));
    t.add(snapshots("volumesnapshots", "volumesnapshot", "VolumeSnapshot", true, List.of("vs"), Set.of("status")));
    t.add(snapshots("volumesnapshotcontents", "volumesnapshotcontent", "VolumeSnapshotContent", false, List.of("vsc", "vscs"),
        Set.of("status")));
    t.add(new ResourceType("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, List.of(), none(), Set.of(), Lease.class));
    t.add(new ResourceType("events.k8s.io", "v1", "events", "event", "Event", true, List.of("ev"), none(), Set.of(), io.fabric8.kubernetes.api.model.events.v1.Event.class));
    t.add(new ResourceType("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true, List.of("pdb"), none(), Set.of("status"), PodDisruptionBudget.class));
    t.add(rbac("roles", "role", "Role", true, io.fabric8.kubernetes.api.model.rbac.Role.class));
    t.add(rbac("rolebindings", "rolebinding", "RoleBinding", true, io.fabric8.kubernetes.api.model.rbac.RoleBinding.class));
    t.add(rbac("clusterroles", "clusterrole", "ClusterRole", false, io.fabric8.kubernetes.api.model.rbac.ClusterRole.class));
    t.add(rbac("clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false,
        io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class));
    t.add(new ResourceType("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
        "CustomResourceDefinition", false, List.of("crd", "crds"), List.of("api-extensions"), Set.of("status"),
        io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class));
    return t;
  }

  /** snapshot.storage.k8s.io/v1: fabric8 has no model in this build, so the schema is the generic one, as for CRDs. */
  private static ResourceType snapshots(String plural, String singular, String kind, boolean namespaced, List<String> shortNames,
      Set<String> subresources) {
    return new ResourceType("snapshot.storage.k8s.io", "v1", plural, singular, kind, namespaced, shortNames, none(), subresources,
        io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
  }

  private static ResourceType rbac(String plural, String singular, String kind, boolean namespaced, Class<? extends HasMetadata> model) {
    return new ResourceType("rbac.authorization.k8s.io", "v1", plural, singular, kind, namespaced, List.of(), none(), Set.of(), model);
  }

  private static ResourceType core(
      String plural, String singular, String kind, boolean namespaced, List<String> shortNames,
      List<String> categories, Set<String> subresources, Class<? extends HasMetadata> model) {
    return new ResourceType("", "v1", plural, singular, kind, namespaced, shortNames, categories, subresources, model);
  }

  private static List<String> inAll() {
    return List.of("all");
  }

  private static List<String> none() {
    return Collections.emptyList();
  }
}
