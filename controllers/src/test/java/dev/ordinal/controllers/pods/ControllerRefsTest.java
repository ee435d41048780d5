package dev.ordinal.controllers.pods;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.apiserver.registry.Meta;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Adoption and release as upstream's PodControllerRefManager decides them, by table. */
class ControllerRefsTest {
  static ObjectNode owner(boolean deleting) {
    ObjectNode o = Json.object();
    o.put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
    ObjectNode meta = o.putObject("metadata");
    meta.put("name", "web").put("namespace", "d").put("uid", "owner-uid");
    if (deleting) {
      meta.put("deletionTimestamp", "2026-01-01T00:00:00Z");
    }
    return o;
  }

  /** controller: "" none, "owner" the owner, "other" someone else. */
  static ObjectNode pod(String app, String controller, boolean deleting) {
    ObjectNode p = Json.object();
    ObjectNode meta = p.putObject("metadata");
    meta.put("name", "p").put("uid", "pod-uid").putObject("labels").put("app", app);
    if (deleting) {
      meta.put("deletionTimestamp", "2026-01-01T00:00:00Z");
    }
    if (!controller.isEmpty()) {
      meta.putArray("ownerReferences").addObject().put("kind", "ReplicaSet").put("name", controller)
          .put("uid", controller.equals("owner") ? "owner-uid" : "other-uid").put("controller", true);
    }
    return p;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // name, pod labels, controller, pod deleting, owner deleting -> expected
        Arguments.of("owned and matching is kept", "web", "owner", false, false, "owned"),
        Arguments.of("owned, no longer matching, is released", "other", "owner", false, false, "release"),
        Arguments.of("orphan matching is adopted", "web", "", false, false, "adopt"),
        Arguments.of("orphan not matching is ignored", "other", "", false, false, "none"),
        Arguments.of("someone else's is ignored", "web", "other", false, false, "none"),
        Arguments.of("terminating orphan is not adopted", "web", "", true, false, "none"),
        Arguments.of("a deleting owner adopts nothing", "web", "", false, true, "none"),
        Arguments.of("a deleting owner releases nothing", "other", "owner", false, true, "none"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void claims(String name, String app, String controller, boolean podDeleting, boolean ownerDeleting, String expected) {
    ObjectNode pod = pod(app, controller, podDeleting);
    var claim = ControllerRefs.claim(owner(ownerDeleting), LabelSelector.fromMap(Map.of("app", "web")), List.of(pod));
    String got = !claim.owned().isEmpty() ? "owned" : !claim.adopt().isEmpty() ? "adopt" : !claim.release().isEmpty() ? "release" : "none";
    assertThat(got).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void adoptingSetsAControllerReferenceThatBlocksOwnerDeletionAndKeepsOtherReferences() {
    ObjectNode pod = pod("web", "", false);
    Meta.of(pod).putArray("ownerReferences").addObject().put("kind", "Thing").put("name", "t").put("uid", "t-uid");
    ObjectNode adopted = ControllerRefs.withController(pod, ControllerRefs.ownerReference(owner(false)));
    assertThat(Meta.ownerReferences(adopted)).hasSize(2);
    ObjectNode ref = ControllerRefs.controllerOf(adopted);
    assertThat(ref.path("uid").asText()).isEqualTo("owner-uid");
    assertThat(ref.path("blockOwnerDeletion").asBoolean()).isTrue();
    assertThat(ref.path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(ControllerRefs.controllerOf(ControllerRefs.withController(adopted, null))).isNull();
  }
}
