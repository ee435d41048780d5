package dev.ordinal.apiserver.printing;

import java.util.Map;

/** The printer of each kind; Name and Age for kinds without one. */
public final class TablePrinters {
  private static final Map<String, TablePrinter> BY_KIND = Map.ofEntries(
      Map.entry("v1/Pod", PodPrinter.INSTANCE),
      Map.entry("apps/v1/StatefulSet", WorkloadPrinters.STATEFUL_SET),
      Map.entry("apps/v1/ControllerRevision", WorkloadPrinters.CONTROLLER_REVISION),
      Map.entry("apps/v1/Deployment", ReplicaSetPrinters.DEPLOYMENT),
      Map.entry("apps/v1/ReplicaSet", ReplicaSetPrinters.REPLICA_SET),
      Map.entry("v1/ReplicationController", ReplicaSetPrinters.REPLICATION_CONTROLLER),
      Map.entry("apps/v1/DaemonSet", DaemonSetPrinter.INSTANCE),
      Map.entry("batch/v1/Job", JobPrinters.JOB),
      Map.entry("batch/v1/CronJob", JobPrinters.CRON_JOB),
      Map.entry("v1/Service", NetworkPrinters.SERVICE),
      Map.entry("v1/Endpoints", NetworkPrinters.ENDPOINTS),
      Map.entry("discovery.k8s.io/v1/EndpointSlice", NetworkPrinters.ENDPOINT_SLICE),
      Map.entry("v1/PersistentVolumeClaim", StoragePrinters.CLAIM),
      Map.entry("v1/PersistentVolume", StoragePrinters.VOLUME),
      Map.entry("storage.k8s.io/v1/StorageClass", StoragePrinters.STORAGE_CLASS),
      Map.entry("snapshot.storage.k8s.io/v1/VolumeSnapshot", SnapshotPrinters.SNAPSHOT),
      Map.entry("snapshot.storage.k8s.io/v1/VolumeSnapshotContent", SnapshotPrinters.CONTENT),
      Map.entry("snapshot.storage.k8s.io/v1/VolumeSnapshotClass", SnapshotPrinters.CLASS),
      Map.entry("v1/Node", ClusterPrinters.NODE),
      Map.entry("v1/Namespace", ClusterPrinters.NAMESPACE),
      Map.entry("v1/Event", ClusterPrinters.EVENT),
      Map.entry("coordination.k8s.io/v1/Lease", ClusterPrinters.LEASE),
      Map.entry("v1/ConfigMap", ConfigPrinters.CONFIG_MAP),
      Map.entry("v1/Secret", ConfigPrinters.SECRET),
      Map.entry("v1/ServiceAccount", ConfigPrinters.SERVICE_ACCOUNT),
      Map.entry("policy/v1/PodDisruptionBudget", PolicyPrinters.POD_DISRUPTION_BUDGET),
      Map.entry("rbac.authorization.k8s.io/v1/Role", RbacPrinters.ROLE),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", RbacPrinters.ROLE),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RbacPrinters.BINDING),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", RbacPrinters.BINDING));

  private TablePrinters() {}

  public static TablePrinter forKind(String apiVersion, String kind) {
    return BY_KIND.getOrDefault(apiVersion + "/" + kind, ConfigPrinters.DEFAULT);
  }
}
