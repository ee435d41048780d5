package dev.ordinal.client;

import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;

/** The resource types components address by name. */
public final class Types {
  private static final ResourceCatalog CATALOG = ResourceCatalog.standard();

  public static final ResourceType NAMESPACES = core("namespaces");
  public static final ResourceType PODS = core("pods");
  public static final ResourceType SERVICES = core("services");
  public static final ResourceType EVENTS = core("events");
  public static final ResourceType NODES = core("nodes");
  public static final ResourceType PERSISTENT_VOLUME_CLAIMS = core("persistentvolumeclaims");
  public static final ResourceType PERSISTENT_VOLUMES = core("persistentvolumes");
  public static final ResourceType LEASES = CATALOG.byPlural("coordination.k8s.io", "v1", "leases").orElseThrow();
  public static final ResourceType STORAGE_CLASSES = CATALOG.byPlural("storage.k8s.io", "v1", "storageclasses").orElseThrow();
  public static final ResourceType VOLUME_SNAPSHOT_CLASSES = snapshots("volumesnapshotclasses");
  public static final ResourceType VOLUME_SNAPSHOTS = snapshots("volumesnapshots");
  public static final ResourceType VOLUME_SNAPSHOT_CONTENTS = snapshots("volumesnapshotcontents");
  public static final ResourceType CONFIG_MAPS = core("configmaps");
  public static final ResourceType SECRETS = core("secrets");
  public static final ResourceType SERVICE_ACCOUNTS = core("serviceaccounts");
  public static final ResourceType ENDPOINTS = core("endpoints");
  public static final ResourceType ENDPOINT_SLICES = CATALOG.byPlural("discovery.k8s.io", "v1", "endpointslices").orElseThrow();
  public static final ResourceType STATEFUL_SETS = CATALOG.byPlural("apps", "v1", "statefulsets").orElseThrow();
  public static final ResourceType DEPLOYMENTS = CATALOG.byPlural("apps", "v1", "deployments").orElseThrow();
  public static final ResourceType REPLICA_SETS = CATALOG.byPlural("apps", "v1", "replicasets").orElseThrow();
  public static final ResourceType REPLICATION_CONTROLLERS = core("replicationcontrollers");
  public static final ResourceType DAEMON_SETS = CATALOG.byPlural("apps", "v1", "daemonsets").orElseThrow();
  public static final ResourceType JOBS = CATALOG.byPlural("batch", "v1", "jobs").orElseThrow();
  public static final ResourceType CRON_JOBS = CATALOG.byPlural("batch", "v1", "cronjobs").orElseThrow();
  public static final ResourceType CONTROLLER_REVISIONS = CATALOG.byPlural("apps", "v1", "controllerrevisions").orElseThrow();

  public static final ResourceType ROLES = CATALOG.byPlural("rbac.authorization.k8s.io", "v1", "roles").orElseThrow();
  public static final ResourceType ROLE_BINDINGS = CATALOG.byPlural("rbac.authorization.k8s.io", "v1", "rolebindings").orElseThrow();
  public static final ResourceType CLUSTER_ROLES = CATALOG.byPlural("rbac.authorization.k8s.io", "v1", "clusterroles").orElseThrow();
  public static final ResourceType CLUSTER_ROLE_BINDINGS =
      CATALOG.byPlural("rbac.authorization.k8s.io", "v1", "clusterrolebindings").orElseThrow();
  public static final ResourceType POD_DISRUPTION_BUDGETS = CATALOG.byPlural("policy", "v1", "poddisruptionbudgets").orElseThrow();
  public static final ResourceType CUSTOM_RESOURCE_DEFINITIONS =
      CATALOG.byPlural("apiextensions.k8s.io", "v1", "customresourcedefinitions").orElseThrow();

  private Types() {}

  private static ResourceType snapshots(String plural) {
    return CATALOG.byPlural("snapshot.storage.k8s.io", "v1", plural).orElseThrow();
  }

  private static ResourceType core(String plural) {
    return CATALOG.byPlural("", "v1", plural).orElseThrow();
  }
}
