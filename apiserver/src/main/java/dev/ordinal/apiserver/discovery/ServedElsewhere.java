package dev.ordinal.apiserver.discovery;

import java.util.List;

/**
 * API groups the server serves without storing them (upstream: aggregated API servers such as
 * metrics-server behind kube-aggregator), listed in discovery beside the catalogue's groups.
 */
public final class ServedElsewhere {
  /** One resource of such a group. */
  public record Resource(String plural, String singular, String kind, boolean namespaced, List<String> verbs) {}

  /** A group version and its resources. */
  public record GroupVersion(String group, String version, List<Resource> resources) {}

  /** metrics.k8s.io/v1beta1 as metrics-server serves it: NodeMetrics and PodMetrics, read only. */
  public static final GroupVersion METRICS = new GroupVersion("metrics.k8s.io", "v1beta1", List.of(
      new Resource("nodes", "", "NodeMetrics", false, List.of("get", "list")),
      new Resource("pods", "", "PodMetrics", true, List.of("get", "list"))));

  public static final List<GroupVersion> ALL = List.of(METRICS);

  private ServedElsewhere() {}

  static GroupVersion find(String group, String version) {
    for (GroupVersion g : ALL) {
      if (g.group().equals(group) && g.version().equals(version)) {
        return g;
      }
    }
    return null;
  }
}
