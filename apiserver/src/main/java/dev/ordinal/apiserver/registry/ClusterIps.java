package dev.ordinal.apiserver.registry;

import dev.ordinal.api.FieldError;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.api.ResourceType;
import java.util.List;
import java.util.Set;

/**
 * ClusterIP allocation from the service range (10.96.0.0/12, as Kubernetes' default): the lowest
 * free address after the first, which the {@code kubernetes} Service has, never the tenth, which
 * is kept for the {@code kube-dns} Service (kubeadm's address; it asks for it by name, and a
 * Service allocated it first would leave pods' resolv.conf naming someone else). Upstream keeps
 * the low part of the range for such static addresses (KEP-3070); one reserved address is enough here. What is used is read from
 * the stored Services, so allocations survive restarts and a deleted Service's address is free
 * again; creations in flight are serialized by the caller.
 */
final class ClusterIps {
  static final String RANGE = "10.96.0.0/12";
  static final String KUBERNETES = "10.96.0.1";
  static final String KUBE_DNS = "10.96.0.10";
  private static final long BASE = toLong("10.96.0.0");
  private static final long SIZE = 1L << 20;

  private ClusterIps() {}

  static String allocate(Set<String> used, boolean forKubernetes) {
    if (forKubernetes && !used.contains(KUBERNETES)) {
      return KUBERNETES;
    }
    for (long i = 2; i < SIZE - 1; i++) {
      String ip = toIp(BASE + i);
      if (!used.contains(ip) && !ip.equals(KUBE_DNS)) {
        return ip;
      }
    }
    throw ApiException.internal("the service IP range " + RANGE + " is full");
  }

  /** A requested address must be in the range and free. */
  static void check(ResourceType type, String name, String ip, Set<String> used) {
    long v;
    try {
      v = toLong(ip);
    } catch (RuntimeException e) {
      throw ApiException.invalid(type, name, List.of(FieldError.invalid("spec.clusterIPs[0]", ip, "must be a valid IP address")));
    }
    if (v <= BASE || v >= BASE + SIZE - 1) {
      throw ApiException.invalid(type, name, List.of(FieldError.invalid("spec.clusterIPs[0]", ip,
          "failed to allocate IP " + ip + ": the provided IP (" + ip + ") is not in the valid range. The range of valid IPs is " + RANGE)));
    }
    if (used.contains(ip)) {
      throw ApiException.invalid(type, name, List.of(FieldError.invalid("spec.clusterIPs[0]", ip,
          "failed to allocate IP " + ip + ": provided IP is already allocated")));
    }
  }

  static long toLong(String ip) {
    String[] p = ip.split("\\.");
    if (p.length != 4) {
      throw new IllegalArgumentException(ip);
    }
    long v = 0;
    for (String part : p) {
      int b = Integer.parseInt(part);
      if (b < 0 || b > 255) {
        throw new IllegalArgumentException(ip);
      }
      v = v * 256 + b;
    }
    return v;
  }

  static String toIp(long v) {
    return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }
}
