package dev.ordinal.api.patch;

import static dev.ordinal.api.patch.PatchSchema.struct;

import dev.ordinal.api.ResourceType;
import java.util.Map;
import java.util.Optional;

/**
 * The strategic-merge-patch schemas of the kinds Ordinal serves, transcribed from the {@code
 * patchStrategy}/{@code patchMergeKey} tags of k8s.io/api (core/v1, apps/v1 types.go and
 * apimachinery's ObjectMeta). Only fields that are tagged, or lead to tagged fields, are listed;
 * every other list is atomic, which is also what the tags say for, among others: tolerations,
 * readinessGates, envFrom, command/args, volumeClaimTemplates, Endpoints subsets, EndpointSlice
 * endpoints, Namespace spec.finalizers, Node taints, ServiceAccount imagePullSecrets, clusterIPs.
 *
 * <p>The OpenAPI documents the server publishes should carry the same facts as {@code
 * x-kubernetes-patch-strategy}/{@code x-kubernetes-patch-merge-key}: kubectl computes its apply
 * patches from them.
 */
public final class KubernetesPatchSchemas {

  private KubernetesPatchSchemas() {}

  // --- meta/v1 ---------------------------------------------------------------------------------

  public static final PatchSchema OBJECT_META =
      struct("ObjectMeta")
          .primitiveSet("finalizers")
          .mergeList("ownerReferences", "uid")
          .build();

  /** metav1.Condition and the per-type conditions of core/apps: all merge by type. */
  private static final PatchSchema CONDITION = PatchSchema.OPAQUE;

  // --- core/v1: pods ---------------------------------------------------------------------------

  private static final PatchSchema CONTAINER =
      struct("Container")
          .mergeList("ports", "containerPort")
          .mergeList("env", "name")
          .mergeList("volumeMounts", "mountPath")
          .mergeList("volumeDevices", "devicePath")
          .build();

  /** EphemeralContainerCommon repeats Container's fields and tags. */
  private static final PatchSchema EPHEMERAL_CONTAINER =
      struct("EphemeralContainer")
          .mergeList("ports", "containerPort")
          .mergeList("env", "name")
          .mergeList("volumeMounts", "mountPath")
          .mergeList("volumeDevices", "devicePath")
          .build();

  /** Volume inlines VolumeSource; the list carries retainKeys so a source can be swapped. */
  private static final PatchSchema VOLUME = struct("Volume").build();

  public static final PatchSchema POD_SPEC =
      struct("PodSpec")
          .mergeListRetainingKeys("volumes", "name", VOLUME)
          .mergeList("initContainers", "name", CONTAINER)
          .mergeList("containers", "name", CONTAINER)
          .mergeList("ephemeralContainers", "name", EPHEMERAL_CONTAINER)
          .mergeList("imagePullSecrets", "name")
          .mergeList("hostAliases", "ip")
          .mergeList("topologySpreadConstraints", "topologyKey")
          .mergeList("schedulingGates", "name")
          .mergeListRetainingKeys("resourceClaims", "name", PatchSchema.OPAQUE)
          .build();

  private static final PatchSchema POD_STATUS =
      struct("PodStatus")
          .mergeList("conditions", "type", CONDITION)
          .mergeList("podIPs", "ip")
          .mergeList("hostIPs", "ip")
          .mergeListRetainingKeys("resourceClaimStatuses", "name", PatchSchema.OPAQUE)
          .build();

  public static final PatchSchema POD_TEMPLATE_SPEC =
      struct("PodTemplateSpec").struct("metadata", OBJECT_META).struct("spec", POD_SPEC).build();

  public static final PatchSchema POD = object("Pod", POD_SPEC, POD_STATUS);

  // --- core/v1: services, storage, nodes, the rest -----------------------------------------------

  private static final PatchSchema SERVICE =
      object(
          "Service",
          struct("ServiceSpec").mergeList("ports", "port").build(),
          conditionsStatus("ServiceStatus"));

  private static final PatchSchema PERSISTENT_VOLUME_CLAIM =
      object("PersistentVolumeClaim", PatchSchema.OPAQUE, conditionsStatus("PersistentVolumeClaimStatus"));

  private static final PatchSchema PERSISTENT_VOLUME =
      object("PersistentVolume", PatchSchema.OPAQUE, PatchSchema.OPAQUE);

  private static final PatchSchema NODE =
      object(
          "Node",
          struct("NodeSpec").primitiveSet("podCIDRs").build(),
          struct("NodeStatus")
              .mergeList("conditions", "type", CONDITION)
              .mergeList("addresses", "type")
              .build());

  private static final PatchSchema NAMESPACE =
      object("Namespace", PatchSchema.OPAQUE, conditionsStatus("NamespaceStatus"));

  private static final PatchSchema SERVICE_ACCOUNT =
      struct("ServiceAccount")
          .struct("metadata", OBJECT_META)
          .mergeList("secrets", "name")
          .build();

  /** ConfigMap, Secret, Endpoints, Event, Lease, StorageClass...: metadata is all that is tagged. */
  private static final PatchSchema METADATA_ONLY =
      struct("metadata-only").struct("metadata", OBJECT_META).build();

  // --- apps/v1 ---------------------------------------------------------------------------------

  private static final PatchSchema STATEFUL_SET =
      object(
          "StatefulSet",
          struct("StatefulSetSpec").struct("template", POD_TEMPLATE_SPEC).build(),
          conditionsStatus("StatefulSetStatus"));

  private static final PatchSchema DEPLOYMENT =
      object(
          "Deployment",
          struct("DeploymentSpec")
              .struct("template", POD_TEMPLATE_SPEC)
              .retainKeysStruct("strategy", PatchSchema.OPAQUE)
              .build(),
          conditionsStatus("DeploymentStatus"));

  private static final PatchSchema REPLICA_SET =
      object(
          "ReplicaSet",
          struct("ReplicaSetSpec").struct("template", POD_TEMPLATE_SPEC).build(),
          conditionsStatus("ReplicaSetStatus"));

  private static final PatchSchema REPLICATION_CONTROLLER =
      object(
          "ReplicationController",
          struct("ReplicationControllerSpec").struct("template", POD_TEMPLATE_SPEC).build(),
          conditionsStatus("ReplicationControllerStatus"));

  private static final PatchSchema DAEMON_SET =
      object(
          "DaemonSet",
          struct("DaemonSetSpec").struct("template", POD_TEMPLATE_SPEC).build(),
          conditionsStatus("DaemonSetStatus"));

  // --- batch/v1 -------------------------------------------------------------------------------

  private static final PatchSchema JOB_SPEC = struct("JobSpec").struct("template", POD_TEMPLATE_SPEC).build();

  private static final PatchSchema JOB = object("Job", JOB_SPEC, conditionsStatus("JobStatus"));

  /** status.active is atomic upstream (no patch tags), so it is left untagged. */
  private static final PatchSchema CRON_JOB =
      object(
          "CronJob",
          struct("CronJobSpec").struct("jobTemplate", struct("JobTemplateSpec").struct("metadata", OBJECT_META).struct("spec", JOB_SPEC).build()).build(),
          PatchSchema.OPAQUE);

  // --- policy/v1 ------------------------------------------------------------------------------

  /** spec.selector is patchStrategy=replace upstream; here it merges like any untagged struct. */
  private static final PatchSchema POD_DISRUPTION_BUDGET =
      object("PodDisruptionBudget", PatchSchema.OPAQUE, conditionsStatus("PodDisruptionBudgetStatus"));

  /** Keyed by "apiVersion/Kind", e.g. "v1/Pod", "apps/v1/StatefulSet". */
  private static final Map<String, PatchSchema> BY_KIND =
      Map.ofEntries(
          Map.entry("v1/Pod", POD),
          Map.entry("v1/PodTemplate", struct("PodTemplate").struct("metadata", OBJECT_META).struct("template", POD_TEMPLATE_SPEC).build()),
          Map.entry("v1/Service", SERVICE),
          Map.entry("v1/PersistentVolumeClaim", PERSISTENT_VOLUME_CLAIM),
          Map.entry("v1/PersistentVolume", PERSISTENT_VOLUME),
          Map.entry("v1/Node", NODE),
          Map.entry("v1/Namespace", NAMESPACE),
          Map.entry("v1/ServiceAccount", SERVICE_ACCOUNT),
          Map.entry("v1/ConfigMap", METADATA_ONLY),
          Map.entry("v1/Secret", METADATA_ONLY),
          Map.entry("v1/Endpoints", METADATA_ONLY),
          Map.entry("v1/Event", METADATA_ONLY),
          Map.entry("apps/v1/StatefulSet", STATEFUL_SET),
          Map.entry("apps/v1/Deployment", DEPLOYMENT),
          Map.entry("apps/v1/ReplicaSet", REPLICA_SET),
          Map.entry("apps/v1/DaemonSet", DAEMON_SET),
          Map.entry("v1/ReplicationController", REPLICATION_CONTROLLER),
          Map.entry("batch/v1/Job", JOB),
          Map.entry("batch/v1/CronJob", CRON_JOB),
          Map.entry("apps/v1/ControllerRevision", METADATA_ONLY),
          Map.entry("discovery.k8s.io/v1/EndpointSlice", METADATA_ONLY),
          Map.entry("storage.k8s.io/v1/StorageClass", METADATA_ONLY),
          Map.entry("coordination.k8s.io/v1/Lease", METADATA_ONLY),
          Map.entry("events.k8s.io/v1/Event", METADATA_ONLY),
          Map.entry("autoscaling/v1/Scale", METADATA_ONLY),
          Map.entry("policy/v1/PodDisruptionBudget", POD_DISRUPTION_BUDGET),
          // rules, subjects and roleRef carry no patch tags upstream: atomic, replaced whole
          Map.entry("rbac.authorization.k8s.io/v1/Role", METADATA_ONLY),
          Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", METADATA_ONLY),
          Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", METADATA_ONLY),
          Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", METADATA_ONLY),
          Map.entry("apiextensions.k8s.io/v1/CustomResourceDefinition", METADATA_ONLY),
          // upstream's CRDs: a custom resource's lists carry no patch tags (merge patches replace them)
          Map.entry("snapshot.storage.k8s.io/v1/VolumeSnapshotClass", METADATA_ONLY),
          Map.entry("snapshot.storage.k8s.io/v1/VolumeSnapshot", METADATA_ONLY),
          Map.entry("snapshot.storage.k8s.io/v1/VolumeSnapshotContent", METADATA_ONLY));

  /** The schema of a kind by "apiVersion/Kind" ("v1/Pod", "apps/v1/StatefulSet"), if known. */
  public static Optional<PatchSchema> forKind(String apiVersionKind) {
    return Optional.ofNullable(BY_KIND.get(apiVersionKind));
  }

  public static Optional<PatchSchema> forType(ResourceType type) {
    return forKind(schemaKey(type));
  }

  /** "apps/v1/StatefulSet" for the StatefulSet type. */
  public static String schemaKey(ResourceType type) {
    return type.apiVersion() + "/" + type.kind();
  }

  private static PatchSchema object(String kind, PatchSchema spec, PatchSchema status) {
    return struct(kind)
        .struct("metadata", OBJECT_META)
        .struct("spec", spec)
        .struct("status", status)
        .build();
  }

  private static PatchSchema conditionsStatus(String name) {
    return struct(name).mergeList("conditions", "type", CONDITION).build();
  }
}
