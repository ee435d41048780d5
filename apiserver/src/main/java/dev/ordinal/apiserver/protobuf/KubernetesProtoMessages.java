package dev.ordinal.apiserver.protobuf;

import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.BOOL;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.INT;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.INT_OR_STRING;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.MAP_BYTES;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.MAP_STRING;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.OPTIONAL_BOOL;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.OPTIONAL_INT;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.REPEATED_STRING;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.STRING;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.TIME;

import java.util.Map;

/**
 * Field numbers of the Kubernetes protobuf messages Ordinal reads, from the generated.proto files
 * of k8s.io/api core/v1 and k8s.io/apimachinery meta/v1 (the numbers are part of the wire contract
 * and never change).
 */
final class KubernetesProtoMessages {
  private KubernetesProtoMessages() {}

  static final ProtoMessage TIME_MESSAGE = new ProtoMessage().field(1, "seconds", INT).field(2, "nanos", INT);

  static final ProtoMessage INT_OR_STRING_MESSAGE =
      new ProtoMessage().field(1, "type", INT).field(2, "intVal", INT).field(3, "strVal", STRING);

  static final ProtoMessage OWNER_REFERENCE = new ProtoMessage()
      .field(1, "kind", STRING).field(3, "name", STRING).field(4, "uid", STRING).field(5, "apiVersion", STRING)
      .field(6, "controller", BOOL).field(7, "blockOwnerDeletion", BOOL);

  static final ProtoMessage OBJECT_META = new ProtoMessage()
      .field(1, "name", STRING).field(2, "generateName", STRING).field(3, "namespace", STRING)
      .field(5, "uid", STRING).field(6, "resourceVersion", STRING).field(7, "generation", INT)
      .field(8, "creationTimestamp", TIME).field(11, "labels", MAP_STRING).field(12, "annotations", MAP_STRING)
      .repeated(13, "ownerReferences", OWNER_REFERENCE).field(14, "finalizers", REPEATED_STRING);

  static final ProtoMessage CONFIG_MAP = new ProtoMessage()
      .message(1, "metadata", OBJECT_META).field(2, "data", MAP_STRING).field(3, "binaryData", MAP_BYTES)
      .field(4, "immutable", BOOL);

  static final ProtoMessage SECRET = new ProtoMessage()
      .message(1, "metadata", OBJECT_META).field(2, "data", MAP_BYTES).field(3, "type", STRING)
      .field(4, "stringData", MAP_STRING).field(5, "immutable", BOOL);

  static final ProtoMessage NAMESPACE = new ProtoMessage()
      .message(1, "metadata", OBJECT_META).message(2, "spec", new ProtoMessage().field(1, "finalizers", REPEATED_STRING));

  static final ProtoMessage LOCAL_OBJECT_REFERENCE = new ProtoMessage().field(1, "name", STRING);

  static final ProtoMessage OBJECT_REFERENCE = new ProtoMessage()
      .field(1, "kind", STRING).field(2, "namespace", STRING).field(3, "name", STRING).field(4, "uid", STRING)
      .field(5, "apiVersion", STRING).field(6, "resourceVersion", STRING).field(7, "fieldPath", STRING);

  static final ProtoMessage SERVICE_ACCOUNT = new ProtoMessage()
      .message(1, "metadata", OBJECT_META).repeated(2, "secrets", OBJECT_REFERENCE)
      .repeated(3, "imagePullSecrets", LOCAL_OBJECT_REFERENCE).field(4, "automountServiceAccountToken", BOOL);

  static final ProtoMessage SERVICE_PORT = new ProtoMessage()
      .field(1, "name", STRING).field(2, "protocol", STRING).field(3, "port", INT).field(4, "targetPort", INT_OR_STRING)
      .field(5, "nodePort", INT).field(6, "appProtocol", STRING);

  static final ProtoMessage SERVICE_SPEC = new ProtoMessage()
      .repeated(1, "ports", SERVICE_PORT).field(2, "selector", MAP_STRING).field(3, "clusterIP", STRING)
      .field(4, "type", STRING).field(5, "externalIPs", REPEATED_STRING).field(7, "sessionAffinity", STRING)
      .field(8, "loadBalancerIP", STRING).field(9, "loadBalancerSourceRanges", REPEATED_STRING)
      .field(10, "externalName", STRING).field(11, "externalTrafficPolicy", STRING)
      .field(12, "healthCheckNodePort", INT).field(13, "publishNotReadyAddresses", BOOL)
      .field(17, "ipFamilyPolicy", STRING).field(18, "clusterIPs", REPEATED_STRING).field(19, "ipFamilies", REPEATED_STRING)
      .field(20, "allocateLoadBalancerNodePorts", BOOL).field(21, "loadBalancerClass", STRING)
      .field(22, "internalTrafficPolicy", STRING).field(23, "trafficDistribution", STRING);

  static final ProtoMessage SERVICE = new ProtoMessage().message(1, "metadata", OBJECT_META).message(2, "spec", SERVICE_SPEC);

  static final ProtoMessage LABEL_SELECTOR = new ProtoMessage()
      .field(1, "matchLabels", MAP_STRING)
      .repeated(2, "matchExpressions", new ProtoMessage().field(1, "key", STRING).field(2, "operator", STRING)
          .field(3, "values", REPEATED_STRING));

  /** core/v1 PodTemplateSpec: see {@link PodProtoMessages}. */
  static final ProtoMessage POD_TEMPLATE_SPEC = PodProtoMessages.POD_TEMPLATE_SPEC;

  /** apps/v1 Deployment, as {@code kubectl create deployment} sends it. */
  static final ProtoMessage DEPLOYMENT = new ProtoMessage()
      .message(1, "metadata", OBJECT_META)
      .message(2, "spec", new ProtoMessage()
          .field(1, "replicas", OPTIONAL_INT).message(2, "selector", LABEL_SELECTOR).message(3, "template", POD_TEMPLATE_SPEC)
          .message(4, "strategy", new ProtoMessage().field(1, "type", STRING)
              .message(2, "rollingUpdate", new ProtoMessage().field(1, "maxUnavailable", INT_OR_STRING).field(2, "maxSurge", INT_OR_STRING)))
          .field(5, "minReadySeconds", INT).field(6, "revisionHistoryLimit", OPTIONAL_INT).field(7, "paused", BOOL)
          .field(9, "progressDeadlineSeconds", OPTIONAL_INT));

  /** batch/v1 JobSpec (k8s.io/api batch/v1 generated.proto), the fields kubectl's generators and a client may set. */
  static final ProtoMessage JOB_SPEC = new ProtoMessage()
      .field(1, "parallelism", OPTIONAL_INT).field(2, "completions", OPTIONAL_INT).field(3, "activeDeadlineSeconds", OPTIONAL_INT)
      .message(4, "selector", LABEL_SELECTOR).field(5, "manualSelector", OPTIONAL_BOOL).message(6, "template", POD_TEMPLATE_SPEC)
      .field(7, "backoffLimit", OPTIONAL_INT).field(8, "ttlSecondsAfterFinished", OPTIONAL_INT).field(9, "completionMode", STRING)
      .field(10, "suspend", OPTIONAL_BOOL).field(12, "backoffLimitPerIndex", OPTIONAL_INT).field(13, "maxFailedIndexes", OPTIONAL_INT)
      .field(14, "podReplacementPolicy", STRING).field(15, "managedBy", STRING);

  /** batch/v1 Job, as {@code kubectl create job} (also {@code --from=cronjob/NAME}) sends it. */
  static final ProtoMessage JOB = new ProtoMessage().message(1, "metadata", OBJECT_META).message(2, "spec", JOB_SPEC);

  /** batch/v1 CronJob, as {@code kubectl create cronjob} sends it. */
  static final ProtoMessage CRON_JOB = new ProtoMessage()
      .message(1, "metadata", OBJECT_META)
      .message(2, "spec", new ProtoMessage()
          .field(1, "schedule", STRING).field(2, "startingDeadlineSeconds", OPTIONAL_INT).field(3, "concurrencyPolicy", STRING)
          .field(4, "suspend", OPTIONAL_BOOL)
          .message(5, "jobTemplate", new ProtoMessage().message(1, "metadata", OBJECT_META).message(2, "spec", JOB_SPEC))
          .field(6, "successfulJobsHistoryLimit", OPTIONAL_INT).field(7, "failedJobsHistoryLimit", OPTIONAL_INT)
          .field(8, "timeZone", STRING));

  /**
   * meta/v1 DeleteOptions: gracePeriodSeconds and orphanDependents are pointers in Go, so a zero
   * on the wire means "now" and is kept; propagationPolicy is a string despite its varint tag.
   */
  static final ProtoMessage DELETE_OPTIONS = new ProtoMessage()
      .field(1, "gracePeriodSeconds", OPTIONAL_INT)
      .message(2, "preconditions", new ProtoMessage().field(1, "uid", STRING).field(2, "resourceVersion", STRING))
      .field(3, "orphanDependents", OPTIONAL_BOOL).field(4, "propagationPolicy", STRING).field(5, "dryRun", REPEATED_STRING);

  /** authentication/v1 TokenRequest, as {@code kubectl create token} sends it (expirationSeconds is field 4). */
  static final ProtoMessage TOKEN_REQUEST = new ProtoMessage()
      .message(1, "metadata", OBJECT_META)
      .message(2, "spec", new ProtoMessage().field(1, "audiences", REPEATED_STRING).field(4, "expirationSeconds", OPTIONAL_INT)
          .message(3, "boundObjectRef", new ProtoMessage().field(1, "kind", STRING).field(2, "apiVersion", STRING)
              .field(3, "name", STRING).field(4, "uid", STRING)));

  /**
   * policy/v1 PodDisruptionBudget, as {@code kubectl create pdb} sends it (k8s.io/api policy/v1
   * generated.proto); the status is never read, since the server resets it on create.
   */
  static final ProtoMessage POD_DISRUPTION_BUDGET = new ProtoMessage()
      .message(1, "metadata", OBJECT_META)
      .message(2, "spec", new ProtoMessage()
          .field(1, "minAvailable", INT_OR_STRING).message(2, "selector", LABEL_SELECTOR)
          .field(3, "maxUnavailable", INT_OR_STRING).field(4, "unhealthyPodEvictionPolicy", STRING));

  /** policy/v1 (and v1beta1) Eviction, as {@code kubectl drain} posts it to pods/eviction. */
  static final ProtoMessage EVICTION = new ProtoMessage()
      .message(1, "metadata", OBJECT_META).message(2, "deleteOptions", DELETE_OPTIONS);

  /** rbac/v1 PolicyRule, Subject, RoleRef (k8s.io/api rbac/v1 generated.proto), as {@code kubectl create role|rolebinding|…} send them. */
  static final ProtoMessage POLICY_RULE = new ProtoMessage()
      .field(1, "verbs", REPEATED_STRING).field(2, "apiGroups", REPEATED_STRING).field(3, "resources", REPEATED_STRING)
      .field(4, "resourceNames", REPEATED_STRING).field(5, "nonResourceURLs", REPEATED_STRING);

  static final ProtoMessage ROLE = new ProtoMessage().message(1, "metadata", OBJECT_META).repeated(2, "rules", POLICY_RULE);

  static final ProtoMessage CLUSTER_ROLE = new ProtoMessage()
      .message(1, "metadata", OBJECT_META).repeated(2, "rules", POLICY_RULE)
      .message(3, "aggregationRule", new ProtoMessage().repeated(1, "clusterRoleSelectors", LABEL_SELECTOR));

  static final ProtoMessage BINDING = new ProtoMessage()
      .message(1, "metadata", OBJECT_META)
      .repeated(2, "subjects", new ProtoMessage().field(1, "kind", STRING).field(2, "apiGroup", STRING).field(3, "name", STRING)
          .field(4, "namespace", STRING))
      .message(3, "roleRef", new ProtoMessage().field(1, "apiGroup", STRING).field(2, "kind", STRING).field(3, "name", STRING));

  /** authorization/v1 access reviews, as {@code kubectl auth can-i [--list]} sends them. */
  static final ProtoMessage RESOURCE_ATTRIBUTES = new ProtoMessage()
      .field(1, "namespace", STRING).field(2, "verb", STRING).field(3, "group", STRING).field(4, "version", STRING)
      .field(5, "resource", STRING).field(6, "subresource", STRING).field(7, "name", STRING);

  static final ProtoMessage NON_RESOURCE_ATTRIBUTES = new ProtoMessage().field(1, "path", STRING).field(2, "verb", STRING);

  static final ProtoMessage SELF_SUBJECT_ACCESS_REVIEW = new ProtoMessage()
      .message(1, "metadata", OBJECT_META)
      .message(2, "spec", new ProtoMessage().message(1, "resourceAttributes", RESOURCE_ATTRIBUTES)
          .message(2, "nonResourceAttributes", NON_RESOURCE_ATTRIBUTES));

  static final ProtoMessage SUBJECT_ACCESS_REVIEW = new ProtoMessage()
      .message(1, "metadata", OBJECT_META)
      .message(2, "spec", new ProtoMessage().message(1, "resourceAttributes", RESOURCE_ATTRIBUTES)
          .message(2, "nonResourceAttributes", NON_RESOURCE_ATTRIBUTES).field(3, "user", STRING)
          .field(4, "groups", REPEATED_STRING).field(6, "uid", STRING));

  static final ProtoMessage SELF_SUBJECT_RULES_REVIEW = new ProtoMessage()
      .message(1, "metadata", OBJECT_META).message(2, "spec", new ProtoMessage().field(1, "namespace", STRING));

  private static final Map<String, ProtoMessage> BY_KIND = Map.ofEntries(
      Map.entry("rbac.authorization.k8s.io/v1/Role", ROLE),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRole", CLUSTER_ROLE),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", BINDING),
      Map.entry("rbac.authorization.k8s.io/v1/ClusterRoleBinding", BINDING),
      Map.entry("authorization.k8s.io/v1/SelfSubjectAccessReview", SELF_SUBJECT_ACCESS_REVIEW),
      Map.entry("authorization.k8s.io/v1/SubjectAccessReview", SUBJECT_ACCESS_REVIEW),
      Map.entry("authorization.k8s.io/v1/LocalSubjectAccessReview", SUBJECT_ACCESS_REVIEW),
      Map.entry("authorization.k8s.io/v1/SelfSubjectRulesReview", SELF_SUBJECT_RULES_REVIEW),
      Map.entry("authentication.k8s.io/v1/TokenRequest", TOKEN_REQUEST),
      Map.entry("v1/DeleteOptions", DELETE_OPTIONS),
      Map.entry("meta.k8s.io/v1/DeleteOptions", DELETE_OPTIONS),
      Map.entry("v1/ConfigMap", CONFIG_MAP),
      Map.entry("v1/Secret", SECRET),
      Map.entry("v1/Namespace", NAMESPACE),
      Map.entry("v1/ServiceAccount", SERVICE_ACCOUNT),
      Map.entry("v1/Service", SERVICE),
      // kubectl debug node/… creates its pod in protobuf: a Pod is a PodTemplateSpec's fields (1 metadata, 2 spec) and a status (3), not read
      Map.entry("v1/Pod", POD_TEMPLATE_SPEC),
      Map.entry("policy/v1/PodDisruptionBudget", POD_DISRUPTION_BUDGET),
      Map.entry("policy/v1/Eviction", EVICTION),
      Map.entry("policy/v1beta1/Eviction", EVICTION),
      Map.entry("apps/v1/Deployment", DEPLOYMENT),
      Map.entry("batch/v1/Job", JOB),
      Map.entry("batch/v1/CronJob", CRON_JOB));

  static ProtoMessage forKind(String apiVersion, String kind) {
    return BY_KIND.get(apiVersion + "/" + kind);
  }

}
