package dev.ordinal.apiserver.discovery;

import dev.ordinal.api.ResourceType;
import java.util.ArrayList;
import java.util.List;

/** What each served subresource is called, returns and accepts, for discovery. */
final class Subresources {
  private Subresources() {}

  record Sub(String name, String group, String version, String kind, List<String> verbs) {}

  static List<Sub> of(ResourceType t) {
    List<Sub> out = new ArrayList<>();
    for (String s : t.subresources().stream().sorted().toList()) {
      switch (s) {
        case "status" -> out.add(new Sub(s, t.group(), t.version(), t.kind(), List.of("get", "patch", "update")));
        case "scale" -> out.add(new Sub(s, "autoscaling", "v1", "Scale", List.of("get", "patch", "update")));
        case "binding" -> out.add(new Sub(s, "", "v1", "Binding", List.of("create")));
        case "finalize" -> out.add(new Sub(s, "", "v1", "Namespace", List.of("update")));
        case "token" -> out.add(new Sub(s, "authentication.k8s.io", "v1", "TokenRequest", List.of("create")));
        case "ephemeralcontainers", "resize" -> out.add(new Sub(s, "", "v1", "Pod", List.of("get", "patch", "update")));
        case "log" -> out.add(new Sub(s, "", "v1", "Pod", List.of("get")));
        case "eviction" -> out.add(new Sub(s, "policy", "v1", "Eviction", List.of("create")));
        case "exec", "attach", "portforward" -> out.add(new Sub(s, "", "v1", "Pod" + capital(s) + "Options", List.of("create", "get")));
        default -> { }
      }
    }
    return out;
  }

  private static String capital(String s) {
    return switch (s) {
      case "portforward" -> "PortForward";
      default -> Character.toUpperCase(s.charAt(0)) + s.substring(1);
    };
  }
}
