package dev.ordinal.apiserver.strategy;

import static dev.ordinal.apiserver.strategy.StrategiesTest.messages;
import static dev.ordinal.apiserver.strategy.StrategiesTest.obj;
import static dev.ordinal.apiserver.strategy.StrategiesTest.sts;
import static dev.ordinal.apiserver.strategy.StrategiesTest.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Which storage requests may change: a bound claim's upwards, a StatefulSet's claim templates' upwards. */
class VolumeGrowthValidationTest {
  static ObjectNode claim(String request, String phase, String capacity) {
    return obj("{'metadata':{'name':'data','namespace':'default'},'spec':{'accessModes':['ReadWriteOnce'],'volumeName':'pvc-1',"
        + "'volumeMode':'Filesystem','resources':{'requests':{'storage':'" + request + "'}}},'status':{'phase':'" + phase + "'"
        + (capacity == null ? "" : ",'capacity':{'storage':'" + capacity + "'}") + "}}");
  }

  @Test
  void aBoundClaimGrowsButNeverBelowItsCapacity() {
    ResourceStrategy s = Strategies.forType(type("", "persistentvolumeclaims"));
    ObjectNode old = claim("50Mi", "Bound", "50Mi");
    assertThat(s.validateUpdate(claim("100Mi", "Bound", "50Mi"), old)).isEmpty();
    assertThat(messages(s.validateUpdate(claim("40Mi", "Bound", "50Mi"), old)))
        .containsExactly("spec.resources.requests.storage: Forbidden: field can not be less than status.capacity");
    assertThat(messages(s.validateUpdate(claim("50Mi", "Bound", "50Mi"), claim("100Mi", "Bound", "50Mi"))))
        .containsExactly("spec.resources.requests.storage: Forbidden: field can not be less than status.capacity");
    // a growth not done yet may be taken back part of the way (upstream's recovery from failed expansion)
    assertThat(s.validateUpdate(claim("60Mi", "Bound", "50Mi"), claim("100Mi", "Bound", "50Mi"))).isEmpty();
  }

  @Test
  void anUnboundClaimsRequestIsImmutable() {
    ResourceStrategy s = Strategies.forType(type("", "persistentvolumeclaims"));
    assertThat(messages(s.validateUpdate(claim("100Mi", "Pending", null), claim("50Mi", "Pending", null))))
        .anySatisfy(m -> assertThat(m).startsWith("spec: Forbidden: spec is immutable after creation except resources.requests"));
  }

  @Test
  void aClaimTemplatesStorageMayGrowAndNothingElse() {
    ResourceStrategy s = Strategies.forType(type("apps", "statefulsets"));
    ObjectNode old = sts();
    s.applyDefaults(old);
    ObjectNode grown = old.deepCopy();
    requests(grown).put("storage", "2Gi");
    assertThat(s.validateUpdate(grown, old)).isEmpty();

    ObjectNode shrunk = old.deepCopy();
    requests(shrunk).put("storage", "512Mi");
    assertThat(messages(s.validateUpdate(shrunk, old)))
        .containsExactly("spec.volumeClaimTemplates[0].spec.resources.requests.storage: Forbidden: field can not be less than previous value");

    ObjectNode otherChange = grown.deepCopy();
    ((ObjectNode) otherChange.path("spec").path("volumeClaimTemplates").get(0).path("spec")).putArray("accessModes").add("ReadWriteMany");
    assertThat(messages(s.validateUpdate(otherChange, old))).containsExactly("spec: Forbidden: updates to statefulset spec for fields "
        + "other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
        + "'minReadySeconds' are forbidden");
  }

  private static ObjectNode requests(ObjectNode set) {
    return (ObjectNode) set.path("spec").path("volumeClaimTemplates").get(0).path("spec").path("resources").path("requests");
  }
}
