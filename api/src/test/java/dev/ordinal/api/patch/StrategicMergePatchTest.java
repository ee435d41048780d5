package dev.ordinal.api.patch;

import static dev.ordinal.api.patch.PatchTestSupport.directiveKeys;
import static dev.ordinal.api.patch.PatchTestSupport.json;
import static dev.ordinal.api.patch.PatchTestSupport.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StrategicMergePatchTest {

  private static ObjectNode pod(String original, String patch) {
    return StrategicMergePatch.apply("v1/Pod", obj(original), json(patch));
  }

  private static JsonNode names(JsonNode list) {
    com.fasterxml.jackson.databind.node.ArrayNode out =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    list.forEach(e -> out.add(e.get("name")));
    return out;
  }

  private static final String TWO_CONTAINERS =
      "{'spec':{'containers':[{'name':'a','image':'a:1'},{'name':'b','image':'b:1'}]}}";

  @Nested
  class Maps {
    @Test
    void mergeRecursivelyAndNullDeletes() {
      ObjectNode result =
          pod(
              "{'metadata':{'labels':{'app':'web','tier':'back'},'annotations':{'x':'1'}}}",
              "{'metadata':{'labels':{'app':null,'tier':'front'}}}");
      assertThat(result)
          .isEqualTo(json("{'metadata':{'labels':{'tier':'front'},'annotations':{'x':'1'}}}"));
    }

    @Test
    void nullForAnAbsentKeyLeavesNothingBehind() {
      assertThat(pod("{'metadata':{}}", "{'metadata':{'labels':null}}")).isEqualTo(json("{'metadata':{}}"));
    }

    @Test
    void patchReplaceReplacesTheMap() {
      ObjectNode result =
          pod(
              "{'spec':{'securityContext':{'runAsUser':1,'fsGroup':2}}}",
              "{'spec':{'securityContext':{'$patch':'replace','runAsUser':3}}}");
      assertThat(result).isEqualTo(json("{'spec':{'securityContext':{'runAsUser':3}}}"));
    }

    @Test
    void patchDeleteEmptiesTheMap() {
      ObjectNode result =
          pod("{'spec':{'nodeSelector':{'a':'b'},'x':1}}", "{'spec':{'nodeSelector':{'$patch':'delete'}}}");
      assertThat(result).isEqualTo(json("{'spec':{'nodeSelector':{},'x':1}}"));
    }

    @Test
    void patchMergeIsTheDefault() {
      ObjectNode result =
          pod("{'metadata':{'labels':{'a':'1'}}}", "{'metadata':{'labels':{'$patch':'merge','b':'2'}}}");
      assertThat(result).isEqualTo(json("{'metadata':{'labels':{'a':'1','b':'2'}}}"));
    }

    @Test
    void retainKeysClearsUnlistedKeys() {
      ObjectNode result =
          StrategicMergePatch.apply(
              "apps/v1/Deployment",
              obj("{'spec':{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}"),
              json("{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}"));
      assertThat(result).isEqualTo(json("{'spec':{'strategy':{'type':'Recreate'}}}"));
    }

    @Test
    void retainKeysOnAVolumeSwapsItsSource() {
      ObjectNode result =
          pod(
              "{'spec':{'volumes':[{'name':'data','emptyDir':{}},{'name':'cfg','configMap':{'name':'c'}}]}}",
              "{'spec':{'volumes':[{'$retainKeys':['hostPath','name'],'name':'data','hostPath':{'path':'/d'}}]}}");
      assertThat(result)
          .isEqualTo(
              json(
                  "{'spec':{'volumes':[{'name':'data','hostPath':{'path':'/d'}},{'name':'cfg','configMap':{'name':'c'}}]}}"));
    }

    @Test
    void aPatchKeyMissingFromRetainKeysIsBadRequest() {
      assertBadRequest(
          () -> pod("{'spec':{'strategy':{}}}", "{'spec':{'strategy':{'$retainKeys':['type'],'other':1}}}"));
    }

    @Test
    void retainKeysMustBeAList() {
      assertBadRequest(() -> pod("{'spec':{}}", "{'spec':{'$retainKeys':'type'}}"));
    }
  }

  @Nested
  class KeyedLists {
    @Test
    void mergeElementsByKeyKeepingOrder() {
      ObjectNode result = pod(TWO_CONTAINERS, "{'spec':{'containers':[{'name':'b','image':'b:2'}]}}");
      assertThat(result)
          .isEqualTo(json("{'spec':{'containers':[{'name':'a','image':'a:1'},{'name':'b','image':'b:2'}]}}"));
    }

    @Test
    void aNewElementWithoutSetElementOrderGoesFirstAsOnKubernetes() {
      ObjectNode result = pod(TWO_CONTAINERS, "{'spec':{'containers':[{'name':'c','image':'c:1'}]}}");
      assertThat(names(result.at("/spec/containers"))).isEqualTo(json("['c','a','b']"));
    }

    @Test
    void deleteDirectiveRemovesTheElement() {
      ObjectNode result = pod(TWO_CONTAINERS, "{'spec':{'containers':[{'$patch':'delete','name':'a'}]}}");
      assertThat(result).isEqualTo(json("{'spec':{'containers':[{'name':'b','image':'b:1'}]}}"));
    }

    @Test
    void replaceDirectiveMakesThePatchTheWholeList() {
      ObjectNode result =
          pod(TWO_CONTAINERS, "{'spec':{'containers':[{'name':'z','image':'z:1'},{'$patch':'replace'}]}}");
      assertThat(result).isEqualTo(json("{'spec':{'containers':[{'name':'z','image':'z:1'}]}}"));
    }

    @Test
    void nestedListsMergeByTheirOwnKeys() {
      ObjectNode result =
          pod(
              "{'spec':{'containers':[{'name':'a','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],"
                  + "'ports':[{'containerPort':80,'name':'http'}],'volumeMounts':[{'mountPath':'/d','name':'data'}]}]}}",
              "{'spec':{'containers':[{'name':'a','env':[{'name':'B','value':'3'},{'$patch':'delete','name':'A'}],"
                  + "'ports':[{'containerPort':80.0,'protocol':'TCP'}],'volumeMounts':[{'mountPath':'/d','readOnly':true}]}]}}");
      assertThat(result)
          .isEqualTo(
              json(
                  "{'spec':{'containers':[{'name':'a','env':[{'name':'B','value':'3'}],"
                      // 80.0 matched 80 (JSON numbers compare by value); the patch's spelling wins.
                      + "'ports':[{'containerPort':80.0,'name':'http','protocol':'TCP'}],"
                      + "'volumeMounts':[{'mountPath':'/d','name':'data','readOnly':true}]}]}}"));
    }

    @Test
    void nullInsideAnElementDeletesThatField() {
      ObjectNode result =
          pod(
              "{'spec':{'containers':[{'name':'a','image':'a:1','command':['sh']}]}}",
              "{'spec':{'containers':[{'name':'a','command':null}]}}");
      assertThat(result).isEqualTo(json("{'spec':{'containers':[{'name':'a','image':'a:1'}]}}"));
    }

    @Test
    void ownerReferencesMergeByUid() {
      ObjectNode result =
          pod(
              "{'metadata':{'ownerReferences':[{'uid':'1','name':'x'}]}}",
              "{'metadata':{'ownerReferences':[{'uid':'1','controller':true},{'uid':'2','name':'y'}]}}");
      assertThat(result.at("/metadata/ownerReferences"))
          .isEqualTo(json("[{'uid':'1','name':'x','controller':true},{'uid':'2','name':'y'}]"));
    }

    @Test
    void statusConditionsMergeByType() {
      ObjectNode result =
          pod(
              "{'status':{'conditions':[{'type':'Ready','status':'False'},{'type':'Initialized','status':'True'}]}}",
              "{'status':{'conditions':[{'type':'Ready','status':'True'}]}}");
      assertThat(result.at("/status/conditions"))
          .isEqualTo(json("[{'type':'Ready','status':'True'},{'type':'Initialized','status':'True'}]"));
    }

    @Test
    void serviceAndContainerPortsUseDifferentKeys() {
      ObjectNode service =
          StrategicMergePatch.apply(
              "v1/Service",
              obj("{'spec':{'ports':[{'port':80,'targetPort':8080,'name':'web'}]}}"),
              json("{'spec':{'ports':[{'port':80,'targetPort':9090}]}}"));
      assertThat(service.at("/spec/ports")).isEqualTo(json("[{'port':80,'targetPort':9090,'name':'web'}]"));
      // A Service port without 'port' has no merge key: the container key does not apply here.
      assertBadRequest(
          () ->
              StrategicMergePatch.apply(
                  "v1/Service",
                  obj("{'spec':{'ports':[{'port':80}]}}"),
                  json("{'spec':{'ports':[{'containerPort':80}]}}")));
    }

    @Test
    void anElementWithoutItsMergeKeyIsBadRequest() {
      assertBadRequest(() -> pod(TWO_CONTAINERS, "{'spec':{'containers':[{'image':'x'}]}}"));
      assertBadRequest(() -> pod(TWO_CONTAINERS, "{'spec':{'containers':[{'$patch':'delete'}]}}"));
    }

    @Test
    void anUnknownElementDirectiveIsBadRequest() {
      assertBadRequest(() -> pod(TWO_CONTAINERS, "{'spec':{'containers':[{'$patch':'frob','name':'a'}]}}"));
    }

    @Test
    void listsOfListsAreInvalid() {
      assertThatThrownBy(() -> pod(TWO_CONTAINERS, "{'spec':{'containers':[['a']]}}"))
          .isInstanceOfSatisfying(
              PatchException.class, e -> assertThat(e.kind()).isEqualTo(PatchException.Kind.INVALID));
    }
  }

  @Nested
  class PrimitiveLists {
    @Test
    void finalizersMergeAsASet() {
      ObjectNode result =
          pod("{'metadata':{'finalizers':['f1','f2']}}", "{'metadata':{'finalizers':['f2','f3']}}");
      assertThat(result.at("/metadata/finalizers")).isEqualTo(json("['f1','f2','f3']"));
    }

    @Test
    void aNewFinalizerAloneGoesFirstAsOnKubernetes() {
      ObjectNode result = pod("{'metadata':{'finalizers':['f1']}}", "{'metadata':{'finalizers':['f3']}}");
      assertThat(result.at("/metadata/finalizers")).isEqualTo(json("['f3','f1']"));
    }

    @Test
    void deleteFromPrimitiveListRemovesValues() {
      ObjectNode result =
          pod(
              "{'metadata':{'finalizers':['f1','f2','f3']}}",
              "{'metadata':{'$deleteFromPrimitiveList/finalizers':['f2','nope']}}");
      assertThat(result).isEqualTo(json("{'metadata':{'finalizers':['f1','f3']}}"));
    }

    @Test
    void deleteFromAnAbsentListDoesNothing() {
      assertThat(pod("{'metadata':{}}", "{'metadata':{'$deleteFromPrimitiveList/finalizers':['f']}}"))
          .isEqualTo(json("{'metadata':{}}"));
    }

    @Test
    void deleteFromPrimitiveListNeedsAList() {
      assertBadRequest(
          () -> pod("{'metadata':{'finalizers':['f']}}", "{'metadata':{'$deleteFromPrimitiveList/finalizers':'f'}}"));
    }

    @Test
    void nodePodCidrsMerge() {
      ObjectNode result =
          StrategicMergePatch.apply(
              "v1/Node", obj("{'spec':{'podCIDRs':['10.0.0.0/24']}}"), json("{'spec':{'podCIDRs':['fd00::/64']}}"));
      assertThat(result.at("/spec/podCIDRs")).isEqualTo(json("['fd00::/64','10.0.0.0/24']"));
    }
  }

  @Nested
  class AtomicLists {
    @Test
    void tolerationsArgsAndNamespaceFinalizersAreReplaced() {
      ObjectNode result =
          pod(
              "{'spec':{'tolerations':[{'key':'a'},{'key':'b'}],'containers':[{'name':'c','args':['x','y']}]}}",
              "{'spec':{'tolerations':[{'key':'c'}],'containers':[{'name':'c','args':['z']}]}}");
      assertThat(result)
          .isEqualTo(json("{'spec':{'tolerations':[{'key':'c'}],'containers':[{'name':'c','args':['z']}]}}"));
      ObjectNode ns =
          StrategicMergePatch.apply(
              "v1/Namespace", obj("{'spec':{'finalizers':['kubernetes']}}"), json("{'spec':{'finalizers':['x']}}"));
      assertThat(ns.at("/spec/finalizers")).isEqualTo(json("['x']"));
    }

    @Test
    void volumeClaimTemplatesAreReplaced() {
      ObjectNode result =
          StrategicMergePatch.apply(
              "apps/v1/StatefulSet",
              obj("{'spec':{'volumeClaimTemplates':[{'metadata':{'name':'a'}},{'metadata':{'name':'b'}}]}}"),
              json("{'spec':{'volumeClaimTemplates':[{'metadata':{'name':'b'}}]}}"));
      assertThat(result.at("/spec/volumeClaimTemplates")).isEqualTo(json("[{'metadata':{'name':'b'}}]"));
    }

    @Test
    void unknownFieldsAreAtomicListsAndMergedMaps() {
      ObjectNode result =
          pod("{'spec':{'custom':{'a':1,'l':[1,2]}}}", "{'spec':{'custom':{'b':2,'l':[3]}}}");
      assertThat(result).isEqualTo(json("{'spec':{'custom':{'a':1,'b':2,'l':[3]}}}"));
    }
  }

  @Nested
  class SetElementOrder {
    @Test
    void reordersAKeyedListWithoutChangingIt() {
      ObjectNode result =
          pod(TWO_CONTAINERS, "{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}]}}");
      assertThat(result)
          .isEqualTo(json("{'spec':{'containers':[{'name':'b','image':'b:1'},{'name':'a','image':'a:1'}]}}"));
    }

    @Test
    void placesNewElementsWhereTheOrderSays() {
      ObjectNode result =
          pod(
              TWO_CONTAINERS,
              "{'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'c'},{'name':'b'}],"
                  + "'containers':[{'name':'c','image':'c:1'}]}}");
      assertThat(names(result.at("/spec/containers"))).isEqualTo(json("['a','c','b']"));
    }

    @Test
    void keepsServerOnlyElements() {
      ObjectNode result =
          pod(
              "{'spec':{'containers':[{'name':'a'},{'name':'sidecar'},{'name':'b'}]}}",
              "{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}]}}");
      assertThat(names(result.at("/spec/containers"))).isEqualTo(json("['sidecar','b','a']"));
    }

    @Test
    void ordersPrimitiveLists() {
      ObjectNode result =
          pod(
              "{'metadata':{'finalizers':['x','y']}}",
              "{'metadata':{'$setElementOrder/finalizers':['z','y','x'],'finalizers':['z']}}");
      assertThat(result).isEqualTo(json("{'metadata':{'finalizers':['z','y','x']}}"));
    }

    @Test
    void worksWhenTheOriginalHasNoList() {
      ObjectNode result =
          pod(
              "{'spec':{}}",
              "{'spec':{'$setElementOrder/initContainers':[{'name':'i2'},{'name':'i1'}],"
                  + "'initContainers':[{'name':'i2'},{'name':'i1'}]}}");
      assertThat(result).isEqualTo(json("{'spec':{'initContainers':[{'name':'i2'},{'name':'i1'}]}}"));
    }

    @Test
    void aPatchListThatContradictsTheOrderIsBadRequest() {
      assertBadRequest(
          () ->
              pod(
                  TWO_CONTAINERS,
                  "{'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'b'}],"
                      + "'containers':[{'name':'b'},{'name':'a'}]}}"));
    }

    @Test
    void theOrderMustBeAList() {
      assertBadRequest(() -> pod(TWO_CONTAINERS, "{'spec':{'$setElementOrder/containers':{'name':'a'}}}"));
    }
  }

  @Nested
  class Directives {
    @Test
    void neverRemainInTheResultEvenInNewSubtrees() {
      ObjectNode result =
          pod(
              "{'spec':{}}",
              "{'metadata':{'$setElementOrder/finalizers':['a'],'finalizers':['a'],'$deleteFromPrimitiveList/x':['b']},"
                  + "'spec':{'affinity':{'$patch':'replace','nodeAffinity':{}},"
                  + "'volumes':[{'$retainKeys':['name','emptyDir'],'name':'v','emptyDir':{}}],"
                  + "'containers':[{'name':'a','env':[{'name':'E','value':'1'},{'$patch':'delete','name':'G'}]},{'$patch':'delete','name':'zz'}]}}");
      assertThat(directiveKeys(result)).isEmpty();
      assertThat(result)
          .isEqualTo(
              json(
                  "{'metadata':{'finalizers':['a']},'spec':{'affinity':{'nodeAffinity':{}},"
                      + "'volumes':[{'name':'v','emptyDir':{}}],'containers':[{'name':'a','env':[{'name':'E','value':'1'}]}]}}"));
    }

    @Test
    void anUnknownMapDirectiveIsBadRequest() {
      assertBadRequest(() -> pod("{'spec':{}}", "{'spec':{'$patch':'frobnicate'}}"));
      assertBadRequest(() -> pod("{'spec':{}}", "{'spec':{'$patch':1}}"));
    }
  }

  @Test
  void aNonObjectPatchIsBadRequest() {
    assertBadRequest(() -> StrategicMergePatch.apply("v1/Pod", obj("{}"), json("[{'name':'x'}]")));
    assertBadRequest(() -> StrategicMergePatch.apply("v1/Pod", obj("{}"), json("'x'")));
    assertBadRequest(() -> StrategicMergePatch.apply("v1/Pod", obj("{}"), null));
  }

  @Test
  void anUnknownKindIsUnsupportedMediaType() {
    assertThatThrownBy(() -> StrategicMergePatch.apply("example.com/v1/Widget", obj("{}"), json("{}")))
        .isInstanceOfSatisfying(
            PatchException.class,
            e -> assertThat(e.kind()).isEqualTo(PatchException.Kind.UNSUPPORTED_MEDIA_TYPE));
  }

  @Test
  void doesNotMutateItsArguments() {
    String original = "{'metadata':{'finalizers':['f']},'spec':{'containers':[{'name':'a','env':[{'name':'E'}]}]}}";
    String patch =
        "{'metadata':{'$deleteFromPrimitiveList/finalizers':['f']},'spec':{'$setElementOrder/containers':[{'name':'a'}],"
            + "'containers':[{'name':'a','$retainKeys':['name'],'env':null}]}}";
    ObjectNode o = obj(original);
    ObjectNode p = obj(patch);
    StrategicMergePatch.apply("v1/Pod", o, p);
    assertThat(o).isEqualTo(json(original));
    assertThat(p).isEqualTo(json(patch));
  }

  static void assertBadRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            PatchException.class, e -> assertThat(e.kind()).isEqualTo(PatchException.Kind.BAD_REQUEST));
  }
}
