package dev.ordinal.apiserver.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrategiesTest {
  static final ResourceCatalog CATALOG = ResourceCatalog.standard();

  static ResourceType type(String group, String plural) {
    return CATALOG.byPlural(group, "v1", plural).orElseThrow();
  }

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  static ObjectNode sts() {
    return obj("{'metadata':{'name':'web','namespace':'default'},'spec':{'serviceName':'nginx','selector':{'matchLabels':{'app':'nginx'}},"
        + "'template':{'metadata':{'labels':{'app':'nginx'}},'spec':{'containers':[{'name':'nginx','image':'nginx:1.27','ports':[{'containerPort':80}],'volumeMounts':[{'name':'www','mountPath':'/usr/share/nginx/html'}]}]}},"
        + "'volumeClaimTemplates':[{'metadata':{'name':'www'},'spec':{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}}}}]}}");
  }

  static List<String> messages(List<FieldError> errs) {
    return errs.stream().map(FieldError::message).toList();
  }

  @Test
  void aMinimalStatefulSetGetsEveryDefault() {
    ResourceStrategy s = Strategies.forType(type("apps", "statefulsets"));
    ObjectNode sts = sts();
    s.applyDefaults(sts);
    var spec = sts.path("spec");
    assertThat(spec.path("replicas").asInt()).isEqualTo(1);
    assertThat(spec.path("podManagementPolicy").asText()).isEqualTo("OrderedReady");
    assertThat(spec.path("revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(spec.path("updateStrategy").toString()).isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}");
    assertThat(spec.path("persistentVolumeClaimRetentionPolicy").toString()).isEqualTo("{\"whenDeleted\":\"Retain\",\"whenScaled\":\"Retain\"}");
    var pod = spec.path("template").path("spec");
    assertThat(pod.path("restartPolicy").asText()).isEqualTo("Always");
    assertThat(pod.path("containers").get(0).path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
    assertThat(pod.path("containers").get(0).path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");
    assertThat(spec.path("volumeClaimTemplates").get(0).path("spec").has("volumeMode")).isFalse();
    assertThat(s.validateCreate(sts)).isEmpty();
  }

  @Test
  void statefulSetRules() {
    ResourceStrategy s = Strategies.forType(type("apps", "statefulsets"));
    ObjectNode bad = sts();
    bad.with("spec").with("selector").with("matchLabels").put("app", "other");
    bad.with("spec").put("replicas", -1);
    s.applyDefaults(bad);
    assertThat(messages(s.validateCreate(bad))).anySatisfy(m -> assertThat(m).contains("`selector` does not match template `labels`"))
        .anySatisfy(m -> assertThat(m).isEqualTo("spec.replicas: Invalid value: -1: must be greater than or equal to 0"));

    ObjectNode old = sts();
    s.applyDefaults(old);
    ObjectNode renamed = old.deepCopy();
    renamed.with("spec").put("serviceName", "other");
    assertThat(messages(s.validateUpdate(renamed, old))).containsExactly("spec: Forbidden: updates to statefulset spec for fields "
        + "other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
        + "'minReadySeconds' are forbidden");
    ObjectNode scaled = old.deepCopy();
    scaled.with("spec").put("replicas", 5);
    assertThat(s.validateUpdate(scaled, old)).isEmpty();
  }

  @Test
  void podContainersMustBeNamedUniquelyAndMountKnownVolumes() {
    ResourceStrategy s = Strategies.forType(type("", "pods"));
    ObjectNode pod = obj("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a','image':'x','volumeMounts':[{'name':'nope','mountPath':'/d'}]},{'name':'a'}]}}");
    s.applyDefaults(pod);
    assertThat(messages(s.validateCreate(pod))).contains("spec.containers[1].name: Duplicate value: \"a\"",
        "spec.containers[1].image: Required value", "spec.containers[0].volumeMounts[0].name: Not found: \"nope\"");
    s.prepareForCreate(pod);
    assertThat(pod.path("status").path("phase").asText()).isEqualTo("Pending");
  }

  @Test
  void namesFollowKubernetesRules() {
    ObjectNode cm = obj("{'metadata':{'name':'Bad_Name','namespace':'default','labels':{'ok':'fine','bad key':'x'}}}");
    List<String> m = messages(ObjectMetaValidation.validate(type("", "configmaps"), cm));
    assertThat(m).anySatisfy(s -> assertThat(s).startsWith("metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"));
    assertThat(m).anySatisfy(s -> assertThat(s).startsWith("metadata.labels: Invalid value: \"bad key\""));
    ObjectNode svc = obj("{'metadata':{'name':'1svc','namespace':'default'}}");
    assertThat(messages(ObjectMetaValidation.validate(type("", "services"), svc))).anySatisfy(s -> assertThat(s).contains("DNS-1035 label"));
  }

  @Test
  void secretStringDataIsMergedIntoData() {
    ResourceStrategy s = Strategies.forType(type("", "secrets"));
    ObjectNode secret = obj("{'metadata':{'name':'s'},'stringData':{'password':'hunter2'},'data':{'user':'YWRtaW4='}}");
    s.applyDefaults(secret);
    assertThat(secret.has("stringData")).isFalse();
    assertThat(secret.path("data").path("password").asText()).isEqualTo("aHVudGVyMg==");
    assertThat(secret.path("type").asText()).isEqualTo("Opaque");
    assertThat(s.validateCreate(secret)).isEmpty();
  }

  @Test
  void claimsNeedAccessModesAndAValidSize() {
    ResourceStrategy s = Strategies.forType(type("", "persistentvolumeclaims"));
    ObjectNode pvc = obj("{'metadata':{'name':'c'},'spec':{'resources':{'requests':{'storage':'lots'}}}}");
    assertThat(messages(s.validateCreate(pvc))).contains("spec.accessModes: Required value: at least 1 access mode is required")
        .anySatisfy(m -> assertThat(m).startsWith("spec.resources.requests[storage]: Invalid value: \"lots\""));
  }

  @Test
  void servicesGetDefaultsAndNeedNamedPortsWhenThereAreSeveral() {
    ResourceStrategy s = Strategies.forType(type("", "services"));
    ObjectNode svc = obj("{'metadata':{'name':'s'},'spec':{'ports':[{'port':80},{'port':443}]}}");
    s.applyDefaults(svc);
    assertThat(svc.path("spec").path("type").asText()).isEqualTo("ClusterIP");
    assertThat(svc.path("spec").path("ports").get(0).path("targetPort").asInt()).isEqualTo(80);
    assertThat(messages(s.validateCreate(svc))).contains("spec.ports[0].name: Required value", "spec.ports[1].name: Required value");
  }

  static ObjectNode deployment() {
    return obj("{'metadata':{'name':'web','namespace':'default'},'spec':{'selector':{'matchLabels':{'app':'web'}},"
        + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'nginx','image':'nginx:1.27'}]}}}}");
  }

  @Test
  void aMinimalDeploymentGetsUpstreamsDefaults() {
    ResourceStrategy s = Strategies.forType(type("apps", "deployments"));
    ObjectNode d = deployment();
    s.applyDefaults(d);
    var spec = d.path("spec");
    assertThat(spec.path("replicas").asInt()).isEqualTo(1);
    assertThat(spec.path("strategy").toString()).isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}");
    assertThat(spec.path("revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(spec.path("progressDeadlineSeconds").asInt()).isEqualTo(600);
    assertThat(spec.path("template").path("spec").path("restartPolicy").asText()).isEqualTo("Always");
    assertThat(s.validateCreate(d)).isEmpty();
  }

  @Test
  void deploymentRules() {
    ResourceStrategy s = Strategies.forType(type("apps", "deployments"));
    ObjectNode bad = deployment();
    bad.with("spec").with("selector").with("matchLabels").put("app", "other");
    bad.with("spec").put("replicas", -1).put("minReadySeconds", 10).put("progressDeadlineSeconds", 5);
    bad.with("spec").putObject("strategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("maxSurge", 0).put("maxUnavailable", "0%");
    s.applyDefaults(bad);
    assertThat(messages(s.validateCreate(bad))).contains(
        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        "spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds",
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"0%\": may not be 0 when `maxSurge` is 0");
    ObjectNode recreate = deployment();
    recreate.with("spec").putObject("strategy").put("type", "Recreate").putObject("rollingUpdate");
    assertThat(messages(s.validateCreate(recreate))).contains(
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'");
    ObjectNode percent = deployment();
    s.applyDefaults(percent);
    percent.with("spec").with("strategy").with("rollingUpdate").put("maxUnavailable", "110%").put("maxSurge", "x");
    assertThat(messages(s.validateCreate(percent))).anySatisfy(m -> assertThat(m).startsWith("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"110%\": must not be greater than 100%"))
        .anySatisfy(m -> assertThat(m).startsWith("spec.strategy.rollingUpdate.maxSurge: Invalid value: \"x\": a valid percent string"));
  }

  @Test
  void appsSelectorsAreImmutableButAReplicationControllersIsNot() {
    ResourceStrategy rs = Strategies.forType(type("apps", "replicasets"));
    ObjectNode old = deployment();
    rs.applyDefaults(old);
    ObjectNode changed = old.deepCopy();
    changed.with("spec").with("selector").with("matchLabels").put("tier", "x");
    changed.with("spec").with("template").with("metadata").with("labels").put("tier", "x");
    assertThat(messages(rs.validateUpdate(changed, old))).anySatisfy(m -> assertThat(m).startsWith("spec.selector: Invalid value: ").endsWith("field is immutable"));

    ResourceStrategy rc = Strategies.forType(type("", "replicationcontrollers"));
    ObjectNode legacy = obj("{'metadata':{'name':'legacy','namespace':'default'},'spec':{'template':{'metadata':{'labels':{'app':'legacy'}},"
        + "'spec':{'containers':[{'name':'nginx','image':'nginx:1.27'}]}}}}");
    rc.applyDefaults(legacy);
    assertThat(legacy.path("spec").path("selector").toString()).isEqualTo("{\"app\":\"legacy\"}");
    assertThat(legacy.path("metadata").path("labels").toString()).isEqualTo("{\"app\":\"legacy\"}");
    assertThat(legacy.path("spec").path("replicas").asInt()).isEqualTo(1);
    ObjectNode moved = legacy.deepCopy();
    moved.with("spec").with("selector").put("tier", "x");
    moved.with("spec").with("template").with("metadata").with("labels").put("tier", "x");
    assertThat(rc.validateUpdate(moved, legacy)).isEmpty();
    moved.with("spec").with("template").with("metadata").with("labels").remove("tier");
    assertThat(messages(rc.validateUpdate(moved, legacy))).contains(
        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"legacy\"}: `selector` does not match template `labels`");
  }
}
