package dev.ordinal.apiserver.protobuf;

import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.BOOL;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.INT;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.INT_OR_STRING;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.MAP_QUANTITY;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.MAP_STRING;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.OPTIONAL_BOOL;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.OPTIONAL_INT;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.QUANTITY;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.REPEATED_INT;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.REPEATED_STRING;
import static dev.ordinal.apiserver.protobuf.ProtoMessage.Kind.STRING;

/**
 * core/v1 PodTemplateSpec and what it holds, with the field numbers of k8s.io/api core/v1
 * generated.proto. A client that copies a template (kubectl create job --from=cronjob) sends all
 * of it, so every field Ordinal serves is here: volumes (the sources the node mounts), containers
 * with env sources, resources, probes, lifecycle and security context, and the pod's scheduling,
 * identity and DNS fields. Go pointers are the OPTIONAL kinds (a zero is a value); plain Go values
 * are left out when zero, as JSON leaves them out. Cloud and network volume sources are not read.
 */
final class PodProtoMessages {
  private PodProtoMessages() {}

  /** A LocalObjectReference embedded in a selector or source: its name is the parent's in JSON. */
  private static final ProtoMessage NAME = new ProtoMessage().field(1, "name", STRING);

  static final ProtoMessage OBJECT_FIELD_SELECTOR = new ProtoMessage().field(1, "apiVersion", STRING).field(2, "fieldPath", STRING);

  static final ProtoMessage RESOURCE_FIELD_SELECTOR = new ProtoMessage()
      .field(1, "containerName", STRING).field(2, "resource", STRING).field(3, "divisor", QUANTITY);

  private static ProtoMessage keySelector() {
    return new ProtoMessage().inline(1, NAME).field(2, "key", STRING).field(3, "optional", OPTIONAL_BOOL);
  }

  static final ProtoMessage ENV_VAR = new ProtoMessage()
      .field(1, "name", STRING).field(2, "value", STRING)
      .message(3, "valueFrom", new ProtoMessage()
          .message(1, "fieldRef", OBJECT_FIELD_SELECTOR).message(2, "resourceFieldRef", RESOURCE_FIELD_SELECTOR)
          .message(3, "configMapKeyRef", keySelector()).message(4, "secretKeyRef", keySelector()));

  static final ProtoMessage ENV_FROM = new ProtoMessage()
      .field(1, "prefix", STRING)
      .message(2, "configMapRef", new ProtoMessage().inline(1, NAME).field(2, "optional", OPTIONAL_BOOL))
      .message(3, "secretRef", new ProtoMessage().inline(1, NAME).field(2, "optional", OPTIONAL_BOOL));

  static final ProtoMessage RESOURCES = new ProtoMessage().field(1, "limits", MAP_QUANTITY).field(2, "requests", MAP_QUANTITY);

  static final ProtoMessage EXEC = new ProtoMessage().field(1, "command", REPEATED_STRING);

  static final ProtoMessage HTTP_GET = new ProtoMessage()
      .field(1, "path", STRING).field(2, "port", INT_OR_STRING).field(3, "host", STRING).field(4, "scheme", STRING)
      .repeated(5, "httpHeaders", new ProtoMessage().field(1, "name", STRING).field(2, "value", STRING));

  static final ProtoMessage TCP_SOCKET = new ProtoMessage().field(1, "port", INT_OR_STRING).field(2, "host", STRING);

  static final ProtoMessage PROBE = new ProtoMessage()
      .inline(1, new ProtoMessage().message(1, "exec", EXEC).message(2, "httpGet", HTTP_GET).message(3, "tcpSocket", TCP_SOCKET)
          .message(4, "grpc", new ProtoMessage().field(1, "port", INT).field(2, "service", STRING)))
      .field(2, "initialDelaySeconds", INT).field(3, "timeoutSeconds", INT).field(4, "periodSeconds", INT)
      .field(5, "successThreshold", INT).field(6, "failureThreshold", INT).field(7, "terminationGracePeriodSeconds", OPTIONAL_INT);

  static final ProtoMessage LIFECYCLE_HANDLER = new ProtoMessage()
      .message(1, "exec", EXEC).message(2, "httpGet", HTTP_GET).message(3, "tcpSocket", TCP_SOCKET)
      .message(4, "sleep", new ProtoMessage().field(1, "seconds", INT));

  static final ProtoMessage SECCOMP_PROFILE = new ProtoMessage().field(1, "type", STRING).field(2, "localhostProfile", STRING);

  static final ProtoMessage SECURITY_CONTEXT = new ProtoMessage()
      .message(1, "capabilities", new ProtoMessage().field(1, "add", REPEATED_STRING).field(2, "drop", REPEATED_STRING))
      .field(2, "privileged", OPTIONAL_BOOL).field(4, "runAsUser", OPTIONAL_INT).field(5, "runAsNonRoot", OPTIONAL_BOOL)
      .field(6, "readOnlyRootFilesystem", OPTIONAL_BOOL).field(7, "allowPrivilegeEscalation", OPTIONAL_BOOL)
      .field(8, "runAsGroup", OPTIONAL_INT).field(9, "procMount", STRING).message(11, "seccompProfile", SECCOMP_PROFILE);

  static final ProtoMessage CONTAINER = new ProtoMessage()
      .field(1, "name", STRING).field(2, "image", STRING).field(3, "command", REPEATED_STRING)
      .field(4, "args", REPEATED_STRING).field(5, "workingDir", STRING)
      .repeated(6, "ports", new ProtoMessage().field(1, "name", STRING).field(2, "hostPort", INT)
          .field(3, "containerPort", INT).field(4, "protocol", STRING).field(5, "hostIP", STRING))
      .repeated(7, "env", ENV_VAR).message(8, "resources", RESOURCES)
      .repeated(9, "volumeMounts", new ProtoMessage().field(1, "name", STRING).field(2, "readOnly", BOOL)
          .field(3, "mountPath", STRING).field(4, "subPath", STRING).field(5, "mountPropagation", STRING)
          .field(6, "subPathExpr", STRING).field(7, "recursiveReadOnly", STRING))
      .message(10, "livenessProbe", PROBE).message(11, "readinessProbe", PROBE)
      .message(12, "lifecycle", new ProtoMessage().message(1, "postStart", LIFECYCLE_HANDLER).message(2, "preStop", LIFECYCLE_HANDLER)
          .field(3, "stopSignal", STRING))
      .field(13, "terminationMessagePath", STRING).field(14, "imagePullPolicy", STRING)
      .message(15, "securityContext", SECURITY_CONTEXT)
      .field(16, "stdin", BOOL).field(17, "stdinOnce", BOOL).field(18, "tty", BOOL)
      .repeated(19, "envFrom", ENV_FROM).field(20, "terminationMessagePolicy", STRING)
      .message(22, "startupProbe", PROBE).field(24, "restartPolicy", STRING);

  static final ProtoMessage KEY_TO_PATH = new ProtoMessage().field(1, "key", STRING).field(2, "path", STRING).field(3, "mode", OPTIONAL_INT);

  static final ProtoMessage DOWNWARD_API_FILE = new ProtoMessage()
      .field(1, "path", STRING).message(2, "fieldRef", OBJECT_FIELD_SELECTOR).message(3, "resourceFieldRef", RESOURCE_FIELD_SELECTOR)
      .field(4, "mode", OPTIONAL_INT);

  static final ProtoMessage VOLUME_SOURCE = new ProtoMessage()
      .message(1, "hostPath", new ProtoMessage().field(1, "path", STRING).field(2, "type", STRING))
      .message(2, "emptyDir", new ProtoMessage().field(1, "medium", STRING).field(2, "sizeLimit", QUANTITY))
      .message(6, "secret", new ProtoMessage().field(1, "secretName", STRING).repeated(2, "items", KEY_TO_PATH)
          .field(3, "defaultMode", OPTIONAL_INT).field(4, "optional", OPTIONAL_BOOL))
      .message(10, "persistentVolumeClaim", new ProtoMessage().field(1, "claimName", STRING).field(2, "readOnly", BOOL))
      .message(16, "downwardAPI", new ProtoMessage().repeated(1, "items", DOWNWARD_API_FILE).field(2, "defaultMode", OPTIONAL_INT))
      .message(19, "configMap", new ProtoMessage().inline(1, NAME).repeated(2, "items", KEY_TO_PATH)
          .field(3, "defaultMode", OPTIONAL_INT).field(4, "optional", OPTIONAL_BOOL))
      .message(26, "projected", new ProtoMessage()
          .repeated(1, "sources", new ProtoMessage()
              .message(1, "secret", new ProtoMessage().inline(1, NAME).repeated(2, "items", KEY_TO_PATH).field(4, "optional", OPTIONAL_BOOL))
              .message(2, "downwardAPI", new ProtoMessage().repeated(1, "items", DOWNWARD_API_FILE))
              .message(3, "configMap", new ProtoMessage().inline(1, NAME).repeated(2, "items", KEY_TO_PATH).field(4, "optional", OPTIONAL_BOOL))
              .message(4, "serviceAccountToken", new ProtoMessage().field(1, "audience", STRING)
                  .field(2, "expirationSeconds", OPTIONAL_INT).field(3, "path", STRING)))
          .field(2, "defaultMode", OPTIONAL_INT));

  static final ProtoMessage VOLUME = new ProtoMessage().field(1, "name", STRING).inline(2, VOLUME_SOURCE);

  static final ProtoMessage NODE_SELECTOR_TERM = new ProtoMessage()
      .repeated(1, "matchExpressions", new ProtoMessage().field(1, "key", STRING).field(2, "operator", STRING).field(3, "values", REPEATED_STRING))
      .repeated(2, "matchFields", new ProtoMessage().field(1, "key", STRING).field(2, "operator", STRING).field(3, "values", REPEATED_STRING));

  static final ProtoMessage POD_AFFINITY_TERM = new ProtoMessage()
      .message(1, "labelSelector", KubernetesProtoMessages.LABEL_SELECTOR).field(2, "namespaces", REPEATED_STRING)
      .field(3, "topologyKey", STRING).message(4, "namespaceSelector", KubernetesProtoMessages.LABEL_SELECTOR)
      .field(5, "matchLabelKeys", REPEATED_STRING).field(6, "mismatchLabelKeys", REPEATED_STRING);

  private static ProtoMessage podAffinity() {
    return new ProtoMessage().repeated(1, "requiredDuringSchedulingIgnoredDuringExecution", POD_AFFINITY_TERM)
        .repeated(2, "preferredDuringSchedulingIgnoredDuringExecution",
            new ProtoMessage().field(1, "weight", INT).message(2, "podAffinityTerm", POD_AFFINITY_TERM));
  }

  static final ProtoMessage AFFINITY = new ProtoMessage()
      .message(1, "nodeAffinity", new ProtoMessage()
          .message(1, "requiredDuringSchedulingIgnoredDuringExecution", new ProtoMessage().repeated(1, "nodeSelectorTerms", NODE_SELECTOR_TERM))
          .repeated(2, "preferredDuringSchedulingIgnoredDuringExecution",
              new ProtoMessage().field(1, "weight", INT).message(2, "preference", NODE_SELECTOR_TERM)))
      .message(2, "podAffinity", podAffinity()).message(3, "podAntiAffinity", podAffinity());

  static final ProtoMessage POD_SECURITY_CONTEXT = new ProtoMessage()
      .field(2, "runAsUser", OPTIONAL_INT).field(3, "runAsNonRoot", OPTIONAL_BOOL).field(4, "supplementalGroups", REPEATED_INT)
      .field(5, "fsGroup", OPTIONAL_INT).field(6, "runAsGroup", OPTIONAL_INT)
      .repeated(7, "sysctls", new ProtoMessage().field(1, "name", STRING).field(2, "value", STRING))
      .field(9, "fsGroupChangePolicy", STRING).message(10, "seccompProfile", SECCOMP_PROFILE)
      .field(12, "supplementalGroupsPolicy", STRING);

  static final ProtoMessage POD_SPEC = new ProtoMessage()
      .repeated(1, "volumes", VOLUME).repeated(2, "containers", CONTAINER).field(3, "restartPolicy", STRING)
      .field(4, "terminationGracePeriodSeconds", OPTIONAL_INT).field(5, "activeDeadlineSeconds", OPTIONAL_INT)
      .field(6, "dnsPolicy", STRING).field(7, "nodeSelector", MAP_STRING).field(8, "serviceAccountName", STRING)
      .field(9, "serviceAccount", STRING).field(10, "nodeName", STRING).field(11, "hostNetwork", BOOL)
      .field(12, "hostPID", BOOL).field(13, "hostIPC", BOOL).message(14, "securityContext", POD_SECURITY_CONTEXT)
      .repeated(15, "imagePullSecrets", KubernetesProtoMessages.LOCAL_OBJECT_REFERENCE)
      .field(16, "hostname", STRING).field(17, "subdomain", STRING).message(18, "affinity", AFFINITY)
      .field(19, "schedulerName", STRING).repeated(20, "initContainers", CONTAINER)
      .field(21, "automountServiceAccountToken", OPTIONAL_BOOL)
      .repeated(22, "tolerations", new ProtoMessage().field(1, "key", STRING).field(2, "operator", STRING).field(3, "value", STRING)
          .field(4, "effect", STRING).field(5, "tolerationSeconds", OPTIONAL_INT))
      .repeated(23, "hostAliases", new ProtoMessage().field(1, "ip", STRING).field(2, "hostnames", REPEATED_STRING))
      .field(24, "priorityClassName", STRING).field(25, "priority", OPTIONAL_INT)
      .message(26, "dnsConfig", new ProtoMessage().field(1, "nameservers", REPEATED_STRING).field(2, "searches", REPEATED_STRING)
          .repeated(3, "options", new ProtoMessage().field(1, "name", STRING).field(2, "value", STRING)))
      .field(27, "shareProcessNamespace", OPTIONAL_BOOL)
      .repeated(28, "readinessGates", new ProtoMessage().field(1, "conditionType", STRING))
      .field(29, "runtimeClassName", STRING).field(30, "enableServiceLinks", OPTIONAL_BOOL).field(31, "preemptionPolicy", STRING)
      .repeated(33, "topologySpreadConstraints", new ProtoMessage().field(1, "maxSkew", INT).field(2, "topologyKey", STRING)
          .field(3, "whenUnsatisfiable", STRING).message(4, "labelSelector", KubernetesProtoMessages.LABEL_SELECTOR)
          .field(5, "minDomains", OPTIONAL_INT).field(6, "nodeAffinityPolicy", STRING).field(7, "nodeTaintsPolicy", STRING)
          .field(8, "matchLabelKeys", REPEATED_STRING))
      .field(35, "setHostnameAsFQDN", OPTIONAL_BOOL).field(37, "hostUsers", OPTIONAL_BOOL)
      .message(40, "resources", RESOURCES);

  static final ProtoMessage POD_TEMPLATE_SPEC = new ProtoMessage()
      .message(1, "metadata", KubernetesProtoMessages.OBJECT_META).message(2, "spec", POD_SPEC);
}
