package dev.ordinal.api.patch;

import static dev.ordinal.api.patch.PatchTestSupport.directiveKeys;
import static dev.ordinal.api.patch.PatchTestSupport.json;
import static dev.ordinal.api.patch.PatchTestSupport.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import org.junit.jupiter.api.Test;

/** The patches kubectl sends for client-side apply and rollout undo, on a stored StatefulSet. */
class KubectlPatchTest {

  private static final ResourceType STATEFUL_SETS =
      ResourceCatalog.standard().byPlural("apps", "v1", "statefulsets").orElseThrow();

  /** As the server stores it after `kubectl apply -f web.yaml` and defaulting. */
  private static ObjectNode storedStatefulSet() {
    return obj(
        """
        {'apiVersion':'apps/v1','kind':'StatefulSet',
         'metadata':{'name':'web','namespace':'default','uid':'u-1','resourceVersion':'42','generation':1,
           'labels':{'app':'nginx','tier':'back'},
           'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{old}'}},
         'spec':{'replicas':3,'serviceName':'nginx','podManagementPolicy':'OrderedReady','revisionHistoryLimit':10,
           'selector':{'matchLabels':{'app':'nginx'}},
           'updateStrategy':{'type':'RollingUpdate','rollingUpdate':{'partition':0}},
           'template':{'metadata':{'labels':{'app':'nginx'}},
             'spec':{'terminationGracePeriodSeconds':10,'restartPolicy':'Always','dnsPolicy':'ClusterFirst',
               'containers':[{'name':'nginx','image':'nginx:1.25','imagePullPolicy':'IfNotPresent',
                 'ports':[{'containerPort':80,'name':'web','protocol':'TCP'}],
                 'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],
                 'volumeMounts':[{'name':'www','mountPath':'/usr/share/nginx/html'}],
                 'terminationMessagePath':'/dev/termination-log','terminationMessagePolicy':'File'}]}},
           'volumeClaimTemplates':[{'metadata':{'name':'www'},
             'spec':{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}}}}]},
         'status':{'replicas':3,'readyReplicas':3,'currentRevision':'web-5d7','updateRevision':'web-5d7',
           'conditions':[{'type':'Ready','status':'True'}]}}
        """);
  }

  @Test
  void clientSideApplyChangesOnlyWhatTheUserChanged() {
    ObjectNode patch =
        obj(
            """
            {'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{new}'},
               'labels':{'app':null,'tier':'front'}},
             'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'nginx'}],
               'containers':[{'image':'nginx:1.27','name':'nginx'}]}}}}
            """);
    ObjectNode expected = storedStatefulSet();
    ((ObjectNode) expected.at("/metadata/labels")).remove("app");
    ((ObjectNode) expected.at("/metadata/labels")).put("tier", "front");
    ((ObjectNode) expected.at("/metadata/annotations"))
        .put("kubectl.kubernetes.io/last-applied-configuration", "{new}");
    ((ObjectNode) expected.at("/spec/template/spec/containers/0")).put("image", "nginx:1.27");

    ObjectNode result = StrategicMergePatch.apply(STATEFUL_SETS, storedStatefulSet(), patch);

    assertThat(result).isEqualTo(expected);
    assertThat(directiveKeys(result)).isEmpty();
  }

  @Test
  void clientSideApplyDeletesWhatTheUserDropped() {
    // The user removed env B and added a sidecar after nginx.
    ObjectNode patch =
        obj(
            """
            {'spec':{'template':{'spec':{
               '$setElementOrder/containers':[{'name':'nginx'},{'name':'log'}],
               'containers':[{'$setElementOrder/env':[{'name':'A'}],'env':[{'$patch':'delete','name':'B'}],'name':'nginx'},
                             {'image':'busybox','name':'log'}]}}}}
            """);
    ObjectNode result = StrategicMergePatch.apply(STATEFUL_SETS, storedStatefulSet(), patch);

    JsonNode containers = result.at("/spec/template/spec/containers");
    assertThat(containers).hasSize(2);
    assertThat(containers.get(0).get("env")).isEqualTo(json("[{'name':'A','value':'1'}]"));
    assertThat(containers.get(0).get("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
    assertThat(containers.get(1)).isEqualTo(json("{'image':'busybox','name':'log'}"));
    assertThat(directiveKeys(result)).isEmpty();
  }

  @Test
  void reapplyingTheSameConfigurationChangesNothing() {
    // What kubectl sends when nothing differs but the annotation it rewrites identically.
    ObjectNode patch =
        obj("{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{old}'}}}");
    assertThat(StrategicMergePatch.apply(STATEFUL_SETS, storedStatefulSet(), patch))
        .isEqualTo(storedStatefulSet());
  }

  @Test
  void rolloutUndoReplacesTheTemplateWholesale() {
    ObjectNode revisionTemplate =
        obj(
            """
            {'metadata':{'labels':{'app':'nginx','rev':'1'}},
             'spec':{'terminationGracePeriodSeconds':30,'restartPolicy':'Always','dnsPolicy':'ClusterFirst',
               'containers':[{'name':'nginx','image':'nginx:1.24','imagePullPolicy':'IfNotPresent',
                 'ports':[{'containerPort':80,'name':'web','protocol':'TCP'}],
                 'terminationMessagePath':'/dev/termination-log','terminationMessagePolicy':'File'}]}}
            """);
    // kubectl's patch: the ControllerRevision's template with "$patch":"replace" (and the
    // creationTimestamp:null a Go-serialized template carries).
    ObjectNode sent = revisionTemplate.deepCopy();
    sent.put("$patch", "replace");
    ((ObjectNode) sent.get("metadata")).putNull("creationTimestamp");
    ObjectNode patch = obj("{'spec':{}}");
    ((ObjectNode) patch.get("spec")).set("template", sent);

    ObjectNode result = StrategicMergePatch.apply(STATEFUL_SETS, storedStatefulSet(), patch);

    ObjectNode expected = storedStatefulSet();
    ((ObjectNode) expected.get("spec")).set("template", revisionTemplate);
    assertThat(result).isEqualTo(expected);
    // Nothing of the current template survives: env and volumeMounts were not in the revision.
    assertThat(result.at("/spec/template/spec/containers/0").has("env")).isFalse();
    assertThat(directiveKeys(result)).isEmpty();
  }

  @Test
  void kubectlScaleMergePatchAndLabelPatchGoThroughTheDispatcher() {
    ObjectNode scaled =
        Patches.apply(
            "application/merge-patch+json",
            STATEFUL_SETS,
            storedStatefulSet(),
            "{\"spec\":{\"replicas\":5}}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(scaled.at("/spec/replicas").asInt()).isEqualTo(5);
    // The merge patch replaces lists: volumeClaimTemplates untouched because absent.
    assertThat(scaled.at("/spec/volumeClaimTemplates")).isInstanceOf(ArrayNode.class).hasSize(1);
  }
}
