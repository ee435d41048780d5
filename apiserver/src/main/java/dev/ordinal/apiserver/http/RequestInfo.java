package dev.ordinal.apiserver.http;

import java.util.ArrayList;
import java.util.List;

/**
 * What a resource request addresses, parsed from its path the way Kubernetes' request-info
 * resolver does: {@code /api/v1/namespaces/{ns}/{plural}/{name}/{subresource}} and
 * {@code /apis/{group}/{version}/...}, with an optional {@code watch/} segment before the
 * namespace. Namespaces are themselves a resource, so {@code /api/v1/namespaces/x} and
 * {@code /api/v1/namespaces/x/status} address namespace x.
 *
 * @param namespace null for cluster-scoped requests and for lists across all namespaces
 * @param name null for collection requests
 * @param subresource null for the object itself
 * @param watchPath true for the deprecated {@code /watch/} form
 */
public record RequestInfo(
    String group, String version, String namespace, String plural, String name, String subresource, boolean watchPath) {

  private static final java.util.Set<String> NAMESPACE_SUBRESOURCES = java.util.Set.of("status", "finalize");

  /** Parses a resource path; null when the path is not a resource request (discovery, other). */
  public static RequestInfo parse(String path) {
    List<String> parts = split(path);
    String group;
    String version;
    int i;
    if (parts.size() >= 3 && parts.get(0).equals("api")) {
      group = "";
      version = parts.get(1);
      i = 2;
    } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      version = parts.get(2);
      i = 3;
    } else {
      return null;
    }
    boolean watch = false;
    if (parts.get(i).equals("watch")) {
      watch = true;
      i++;
    }
    List<String> rest = parts.subList(i, parts.size());
    if (rest.isEmpty()) {
      return null;
    }
    if (rest.get(0).equals("namespaces") && rest.size() >= 3 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
      String ns = rest.get(1);
      List<String> r = rest.subList(2, rest.size());
      if (r.size() > 3) {
        return null;
      }
      return new RequestInfo(group, version, ns, r.get(0), at(r, 1), at(r, 2), watch);
    }
    if (rest.size() > 3 && rest.get(2).equals("proxy")) {
      // nodes/NAME/proxy/PATH: the proxy subresource, whatever the path behind it (upstream's resolver drops it too)
      return new RequestInfo(group, version, null, rest.get(0), rest.get(1), "proxy", watch);
    }
    if (rest.size() > 3) {
      return null;
    }
    return new RequestInfo(group, version, null, rest.get(0), at(rest, 1), at(rest, 2), watch);
  }

  private static String at(List<String> l, int i) {
    return i < l.size() ? l.get(i) : null;
  }

  static List<String> split(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
