package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.ResourceType;
import java.util.List;
import java.util.Map;

/** The strategy of each kind; kinds without special rules get the empty one. */
public final class Strategies {
  private static final ResourceStrategy PLAIN = new ResourceStrategy() { };

  private static final ResourceStrategy NAMESPACE = new ResourceStrategy() {
    @Override
    public void prepareForCreate(ObjectNode ns) {
      ns.remove("status");
      ns.putObject("status").put("phase", "Active");
      ns.remove("spec");
      ns.putObject("spec").putArray("finalizers").add("kubernetes");
    }

  };

  private static final ResourceStrategy CONTROLLER_REVISION = new ResourceStrategy() {
    @Override
    public List<FieldError> validateCreate(ObjectNode cr) {
      Errors errs = new Errors();
      errs.nonNegative("revision", cr.path("revision"));
      return errs.list();
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode cr, ObjectNode old) {
      List<FieldError> errs = new java.util.ArrayList<>(validateCreate(cr));
      if (!cr.path("data").equals(old.path("data"))) {
        errs.add(FieldError.invalid("data", "", "field is immutable"));
      }
      return errs;
    }
  };

  private static final ResourceStrategy ENDPOINT_SLICE = new ResourceStrategy() {
    @Override
    public List<FieldError> validateCreate(ObjectNode slice) {
      Errors errs = new Errors();
      String type = slice.path("addressType").asText("");
      if (!List.of("IPv4", "IPv6", "FQDN").contains(type)) {
        errs.notSupported("addressType", type, List.of("FQDN", "IPv4", "IPv6"));
      }
      return errs.list();
    }
  };

  private static final ResourceStrategy EVENT = new ResourceStrategy() {
    @Override
    public List<FieldError> validateCreate(ObjectNode ev) {
      Errors errs = new Errors();
      if (ev.path("involvedObject").isMissingNode()) {
        errs.required("involvedObject", "");
      }
      return errs.list();
    }
  };

  private static final ResourceStrategy NODE = new ResourceStrategy() {
    @Override
    public void applyDefaults(ObjectNode node) {
      Defaults.object(node, "spec");
    }
  };

  private static final Map<String, ResourceStrategy> BY_KIND = Map.ofEntries(
      Map.entry("v1/Pod", new PodStrategy()),
      Map.entry("apps/v1/StatefulSet", new StatefulSetStrategy()),
      Map.entry("apps/v1/ControllerRevision", CONTROLLER_REVISION),
      Map.entry("apps/v1/Deployment", ReplicaSetStrategies.DEPLOYMENT),
      Map.entry("apps/v1/ReplicaSet", ReplicaSetStrategies.REPLICA_SET),
      Map.entry("v1/ReplicationController", ReplicaSetStrategies.REPLICATION_CONTROLLER),
      Map.entry("apps/v1/DaemonSet", new DaemonSetStrategy()),
      Map.entry("batch/v1/Job", JobStrategies.JOB),
      Map.entry("batch/v1/CronJob", JobStrategies.CRON_JOB),
      Map.entry("v1/Service", new ServiceStrategy()),
      Map.entry("v1/PersistentVolumeClaim", StorageStrategies.CLAIM),
      Map.entry("v1/PersistentVolume", StorageStrategies.VOLUME),
      Map.entry("storage.k8s.io/v1/StorageClass", StorageStrategies.CLASS),
      Map.entry("snapshot.storage.k8s.io/v1/VolumeSnapshotClass", SnapshotStrategies.CLASS),
      Map.entry("snapshot.storage.k8s.io/v1/VolumeSnapshot", SnapshotStrategies.SNAPSHOT),
      Map.entry("snapshot.storage.k8s.io/v1/VolumeSnapshotContent", SnapshotStrategies.CONTENT),
      Map.entry("v1/ConfigMap", ConfigStrategies.CONFIG_MAP),
      Map.entry("v1/Secret", ConfigStrategies.SECRET),
      Map.entry("v1/Namespace", NAMESPACE),
      Map.entry("v1/Node", NODE),
      Map.entry("v1/Event", EVENT),
      Map.entry("discovery.k8s.io/v1/EndpointSlice", ENDPOINT_SLICE),
      Map.entry("policy/v1/PodDisruptionBudget", new PodDisruptionBudgetStrategy()),
      Map.entry("rbac.authorization.k8s.io/v1/Role", RbacStrategies.ROLE),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", RbacStrategies.CLUSTER_ROLE),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", RbacStrategies.ROLE_BINDING),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", RbacStrategies.CLUSTER_ROLE_BINDING),
      Map.entry("apiextensions.k8s.io/v1/CustomResourceDefinition", dev.ordinal.apiserver.crd.CrdStrategy.INSTANCE));

  private Strategies() {}

  public static ResourceStrategy forType(ResourceType type) {
    return BY_KIND.getOrDefault(type.apiVersion() + "/" + type.kind(), PLAIN);
  }
}
