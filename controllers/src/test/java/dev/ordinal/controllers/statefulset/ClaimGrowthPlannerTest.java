package dev.ordinal.controllers.statefulset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClaimGrowthPlannerTest {
  static ObjectNode set(String size) {
    ObjectNode s = Json.object();
    s.putObject("metadata").put("name", "web").put("namespace", "default");
    ObjectNode t = s.putObject("spec").putArray("volumeClaimTemplates").addObject();
    t.putObject("metadata").put("name", "data");
    t.putObject("spec").putObject("resources").putObject("requests").put("storage", size);
    return s;
  }

  /** Claims data-web-N, each "request/capacity". */
  static Map<String, ObjectNode> claims(String... requestSlashCapacity) {
    Map<String, ObjectNode> out = new TreeMap<>();
    for (int i = 0; i < requestSlashCapacity.length; i++) {
      String[] rc = requestSlashCapacity[i].split("/");
      ObjectNode c = Json.object();
      c.putObject("metadata").put("name", "data-web-" + i);
      c.putObject("spec").putObject("resources").putObject("requests").put("storage", rc[0]);
      c.putObject("status").put("phase", "Bound").putObject("capacity").put("storage", rc[1]);
      out.put("data-web-" + i, c);
    }
    return out;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("nothing to grow", set("50Mi"), claims("50Mi/50Mi", "50Mi/50Mi"), List.of()),
        Arguments.of("the lowest ordinal first", set("80Mi"), claims("50Mi/50Mi", "50Mi/50Mi", "50Mi/50Mi"),
            List.of(new ClaimGrowthPlanner.Resize("data-web-0", "web-0", "80Mi"))),
        Arguments.of("the next waits for the volume before it", set("80Mi"), claims("80Mi/50Mi", "50Mi/50Mi"), List.of()),
        Arguments.of("then the next", set("80Mi"), claims("80Mi/80Mi", "50Mi/50Mi", "50Mi/50Mi"),
            List.of(new ClaimGrowthPlanner.Resize("data-web-1", "web-1", "80Mi"))),
        Arguments.of("a claim asked for more by hand is left alone", set("80Mi"), claims("100Mi/100Mi", "50Mi/50Mi"),
            List.of(new ClaimGrowthPlanner.Resize("data-web-1", "web-1", "80Mi"))),
        Arguments.of("all grown", set("80Mi"), claims("80Mi/80Mi", "80Mi/80Mi"), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String name, ObjectNode set, Map<String, ObjectNode> claims, List<ClaimGrowthPlanner.Resize> expected) {
    assertEquals(expected, ClaimGrowthPlanner.plan(set, claims));
  }
}
