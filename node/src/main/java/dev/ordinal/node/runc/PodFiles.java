package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;

/**
 * The files a pod's containers see as /etc/hostname, /etc/hosts and /etc/resolv.conf, as kubelet
 * writes them: the hostname is the pod's {@code hostname} (or its name); /etc/hosts names the pod
 * by its IP with its FQDN first when it has a {@code subdomain}
 * ({@code web-0.nginx.default.svc.cluster.local}) plus {@code hostAliases}; resolv.conf is
 * {@link PodDns}'s.
 */
final class PodFiles {
  static final String CLUSTER_DOMAIN = "cluster.local";

  private PodFiles() {}

  static String hostname(ObjectNode pod) {
    String h = pod.path("spec").path("hostname").asText("");
    return h.isEmpty() ? Meta.name(pod) : h;
  }

  static String fqdn(ObjectNode pod) {
    String sub = pod.path("spec").path("subdomain").asText("");
    return sub.isEmpty() ? "" : hostname(pod) + "." + sub + "." + Meta.namespace(pod) + ".svc." + CLUSTER_DOMAIN;
  }

  static String hosts(ObjectNode pod, String podIp) {
    StringBuilder b = new StringBuilder("# Kubernetes-managed hosts file.\n");
    b.append("127.0.0.1\tlocalhost\n");
    b.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
    b.append("fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n");
    String fqdn = fqdn(pod);
    b.append(podIp).append('\t').append(fqdn.isEmpty() ? hostname(pod) : fqdn + "\t" + hostname(pod)).append('\n');
    JsonNode aliases = pod.path("spec").path("hostAliases");
    if (!aliases.isEmpty()) {
      b.append("\n# Entries added by HostAliases.\n");
      for (JsonNode a : aliases) {
        b.append(a.path("ip").asText());
        a.path("hostnames").forEach(h -> b.append('\t').append(h.asText()));
        b.append('\n');
      }
    }
    return b.toString();
  }
}
