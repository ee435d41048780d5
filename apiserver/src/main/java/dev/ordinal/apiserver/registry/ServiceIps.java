package dev.ordinal.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Cluster IPs of Services as they are created and change type: an address is allocated when a
 * Service gets one (created, or leaving ExternalName) and is free again when the Service is
 * deleted or becomes ExternalName. What is in use is read from the stored Services, so nothing
 * can leak; an address just handed out is remembered a moment, until the write that carries it
 * is stored and listed. Thread-safe: allocations are serialized.
 */
final class ServiceIps {
  private final Supplier<Iterable<ObjectNode>> services;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  /** @param services the stored Services, read fresh (consistent with every acknowledged write) */
  ServiceIps(Supplier<Iterable<ObjectNode>> services) {
    this.services = services;
  }

  /** Gives a new Service its address (the one asked for, if in range and free), unless it needs none. */
  void admitCreate(ResourceType type, ObjectNode svc) {
    allocate(type, svc);
  }

  /**
   * An update that takes a Service out of ExternalName allocates its address; one that makes it
   * ExternalName releases the old one (the strategy has already cleared it from the new spec).
   */
  void admitUpdate(ResourceType type, ObjectNode svc, ObjectNode old) {
    boolean had = needsClusterIp(old);
    boolean has = needsClusterIp(svc);
    if (!had && has) {
      allocate(type, svc);
    } else if (had && !has) {
      // stored without it, the address is free: forget it now rather than after the moment
      inFlight.remove(old.path("spec").path("clusterIP").asText(""));
    }
  }

  private static boolean needsClusterIp(ObjectNode svc) {
    return !svc.path("spec").path("type").asText("ClusterIP").equals("ExternalName");
  }

  private synchronized void allocate(ResourceType type, ObjectNode svc) {
    ObjectNode spec = svc.with("spec");
    if (!needsClusterIp(svc)) {
      return;
    }
    String asked = spec.path("clusterIP").asText("");
    if (asked.isEmpty() && spec.path("clusterIPs").path(0).isTextual()) {
      asked = spec.path("clusterIPs").path(0).asText();
    }
    if (asked.equals("None")) {
      return;
    }
    Set<String> used = new HashSet<>();
    for (ObjectNode s : services.get()) {
      used.add(s.path("spec").path("clusterIP").asText(""));
    }
    // what is stored is tracked by the store from now on, and free again once deleted
    inFlight.removeIf(used::contains);
    used.addAll(inFlight);
    String ip;
    if (asked.isEmpty()) {
      ip = ClusterIps.allocate(used, Meta.name(svc).equals("kubernetes") && Meta.namespace(svc).equals("default"));
    } else {
      ClusterIps.check(type, Meta.name(svc), asked, used);
      ip = asked;
    }
    spec.put("clusterIP", ip);
    spec.putArray("clusterIPs").add(ip);
    inFlight.add(ip);
    CompletableFuture.delayedExecutor(10, TimeUnit.SECONDS).execute(() -> inFlight.remove(ip));
  }
}
