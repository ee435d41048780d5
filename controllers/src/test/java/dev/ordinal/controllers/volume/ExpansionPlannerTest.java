package dev.ordinal.controllers.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ExpansionPlannerTest {
  static ObjectNode claim(String phase, String request, String capacity) {
    ObjectNode c = Json.object();
    c.putObject("metadata").put("name", "data-web-0").put("namespace", "default");
    c.putObject("spec").put("volumeName", "pvc-1").putObject("resources").putObject("requests").put("storage", request);
    ObjectNode status = c.putObject("status").put("phase", phase);
    if (capacity != null) {
      status.putObject("capacity").put("storage", capacity);
    }
    return c;
  }

  static ObjectNode pv(String provisioner) {
    ObjectNode pv = Json.object();
    ObjectNode meta = pv.putObject("metadata").put("name", "pvc-1");
    if (provisioner != null) {
      meta.putObject("annotations").put(LocalPathProvisioner.PROVISIONED_BY, provisioner);
    }
    pv.putObject("spec").putObject("capacity").put("storage", "50Mi");
    return pv;
  }

  static ObjectNode sc(boolean expandable) {
    ObjectNode sc = Json.object();
    sc.putObject("metadata").put("name", "local-path");
    sc.put("provisioner", DefaultStorageClass.PROVISIONER).put("allowVolumeExpansion", expandable);
    return sc;
  }

  static Stream<Arguments> cases() {
    String ours = DefaultStorageClass.PROVISIONER;
    return Stream.of(
        Arguments.of("request above capacity grows", claim("Bound", "100Mi", "50Mi"), pv(ours), sc(true), ExpansionPlanner.Step.EXPAND),
        Arguments.of("request equal to capacity", claim("Bound", "50Mi", "50Mi"), pv(ours), sc(true), ExpansionPlanner.Step.NONE),
        Arguments.of("same size, other units", claim("Bound", "52428800", "50Mi"), pv(ours), sc(true), ExpansionPlanner.Step.NONE),
        Arguments.of("request below capacity (a failed growth taken back)", claim("Bound", "60Mi", "80Mi"), pv(ours), sc(true),
            ExpansionPlanner.Step.NONE),
        Arguments.of("not bound yet", claim("Pending", "100Mi", null), pv(ours), sc(true), ExpansionPlanner.Step.NONE),
        Arguments.of("no volume", claim("Bound", "100Mi", "50Mi"), null, sc(true), ExpansionPlanner.Step.NONE),
        Arguments.of("class forbids expansion", claim("Bound", "100Mi", "50Mi"), pv(ours), sc(false), ExpansionPlanner.Step.REFUSE),
        Arguments.of("class gone", claim("Bound", "100Mi", "50Mi"), pv(ours), null, ExpansionPlanner.Step.REFUSE),
        Arguments.of("volume made by hand", claim("Bound", "100Mi", "50Mi"), pv(null), sc(true), ExpansionPlanner.Step.REFUSE),
        Arguments.of("capacity from the volume when the claim has none", claim("Bound", "100Mi", null), pv(ours), sc(true),
            ExpansionPlanner.Step.EXPAND));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String name, ObjectNode claim, ObjectNode pv, ObjectNode sc, ExpansionPlanner.Step step) {
    ExpansionPlanner.Plan plan = ExpansionPlanner.plan(claim, pv, sc);
    assertEquals(step, plan.step());
    if (step == ExpansionPlanner.Step.EXPAND) {
      assertEquals(100L * 1024 * 1024, plan.bytes());
      assertEquals("100Mi", plan.size());
    }
  }
}
