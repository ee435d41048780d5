package dev.ordinal.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.strategy.ServiceExternalFields;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Node ports of Services (30000-32767), as upstream's registry allocates them: a port asked for is
 * the Service's if no other Service holds it; a port not asked for is picked at random among the
 * free ones; ports with the same port number (one over TCP, one over UDP) share a node port.
 * A LoadBalancer with {@code allocateLoadBalancerNodePorts: false} gets only the ports it asks for.
 * What is in use is read from the stored Services, so a port is free again once its Service is
 * deleted or stops needing it (the strategy has then cleared it); a port just handed out is
 * remembered a moment, until the write that carries it is stored and listed. Runs after the
 * strategy's update preparation, before defaults and validation (which reports out-of-range ports).
 * Thread-safe: allocations are serialized.
 */
final class ServiceNodePorts {
  private static final int FIRST = ServiceExternalFields.FIRST_NODE_PORT;
  private static final int SIZE = ServiceExternalFields.LAST_NODE_PORT - FIRST + 1;

  private final Supplier<Iterable<ObjectNode>> services;
  private final RandomGenerator random;
  private final Set<Integer> inFlight = ConcurrentHashMap.newKeySet();
  // a lock, not a monitor: listing the Services may wait for the watch cache (ARCHITECTURE.md "Threads")
  private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

  /** @param services the stored Services, read fresh (consistent with every acknowledged write) */
  ServiceNodePorts(Supplier<Iterable<ObjectNode>> services, RandomGenerator random) {
    this.services = services;
    this.random = random;
  }

  /** Gives a new Service the node ports it needs; a port it asks for that another holds is a 422. */
  void admitCreate(ResourceType type, ObjectNode svc) {
    allocate(type, svc, Set.of());
  }

  /** The ports the Service held stay its own; new ones are allocated or checked as on create. */
  void admitUpdate(ResourceType type, ObjectNode svc, ObjectNode old) {
    Set<Integer> own = held(old.path("spec"));
    allocate(type, svc, own);
    // stored without them, the ports it gave up are free: forget them now rather than after the moment
    Set<Integer> released = new HashSet<>(own);
    released.removeAll(held(svc.path("spec")));
    inFlight.removeAll(released);
  }

  private void allocate(ResourceType type, ObjectNode svc, Set<Integer> own) {
    lock.lock();
    try {
      allocateLocked(type, svc, own);
    } finally {
      lock.unlock();
    }
  }

  private void allocateLocked(ResourceType type, ObjectNode svc, Set<Integer> own) {
    JsonNode spec = svc.path("spec");
    boolean needs = ServiceExternalFields.needsNodePorts(spec);
    boolean lb = spec.path("type").asText("").equals("LoadBalancer");
    if (!needs && !lb) {
      return; // ClusterIP and ExternalName hold none (validation refuses those asked for)
    }
    Set<Integer> used = new HashSet<>();
    for (ObjectNode s : services.get()) {
      used.addAll(held(s.path("spec")));
    }
    // what is stored is tracked by the store from now on, and free again once deleted or dropped
    inFlight.removeIf(used::contains);
    used.addAll(inFlight);
    used.removeAll(own);
    Set<Integer> taken = new HashSet<>();
    Map<Integer, Integer> byServicePort = new HashMap<>();
    List<ObjectNode> ports = elements(spec.path("ports"));
    for (int i = 0; i < ports.size(); i++) {
      ObjectNode p = ports.get(i);
      int asked = p.path("nodePort").asInt(0);
      if (asked == 0 && !needs) {
        continue; // respect what is asked for, allocate nothing else
      }
      int port = p.path("port").asInt();
      Integer shared = byServicePort.get(port);
      if (shared == null) {
        int requested = asked != 0 ? asked : requestedFor(port, ports);
        int np = requested != 0 ? claim(type, svc, "spec.ports[" + i + "].nodePort", requested, used, taken)
            : next(used, taken);
        byServicePort.put(port, np);
        if (asked == 0) {
          p.put("nodePort", np);
        }
      } else if (asked == 0) {
        p.put("nodePort", shared);
      } else if (asked != shared) {
        claim(type, svc, "spec.ports[" + i + "].nodePort", asked, used, taken);
      }
    }
    if (ServiceExternalFields.needsHealthCheckNodePort(spec)) {
      int asked = spec.path("healthCheckNodePort").asInt(0);
      if (asked == 0) {
        ((ObjectNode) spec).put("healthCheckNodePort", next(used, taken));
      } else {
        claim(type, svc, "spec.healthCheckNodePort", asked, used, taken);
      }
    }
    // handed out now; the ones it held are tracked by the store
    Set<Integer> handedOut = new HashSet<>(taken);
    handedOut.removeAll(own);
    inFlight.addAll(handedOut);
    CompletableFuture.delayedExecutor(10, TimeUnit.SECONDS).execute(() -> inFlight.removeAll(handedOut));
  }

  /** A port number's node port asked for on another of the Service's ports (the UDP twin of a TCP port). */
  private static int requestedFor(int port, List<ObjectNode> ports) {
    for (ObjectNode p : ports) {
      if (p.path("port").asInt() == port && p.path("nodePort").asInt(0) != 0) {
        return p.path("nodePort").asInt();
      }
    }
    return 0;
  }

  private static int claim(ResourceType type, ObjectNode svc, String path, int port, Set<Integer> used, Set<Integer> taken) {
    if (port < FIRST || port >= FIRST + SIZE) {
      return port; // validation refuses it with upstream's range message
    }
    if (used.contains(port)) {
      throw ApiException.invalid(type, Meta.name(svc), List.of(FieldError.invalid(path, port, "provided port is already allocated")));
    }
    taken.add(port);
    return port;
  }

  /** A free port at random, as upstream's allocator picks (a random start, then the next free one). */
  private int next(Set<Integer> used, Set<Integer> taken) {
    int start = random.nextInt(SIZE);
    for (int k = 0; k < SIZE; k++) {
      int port = FIRST + (start + k) % SIZE;
      if (!used.contains(port) && !taken.contains(port)) {
        taken.add(port);
        return port;
      }
    }
    throw ApiException.internal("failed to allocate a nodePort: range is full");
  }

  /** The ports a stored spec holds: its node ports and its health-check port. */
  private static Set<Integer> held(JsonNode spec) {
    Set<Integer> out = ServiceExternalFields.nodePorts(spec);
    if (spec.path("healthCheckNodePort").asInt(0) != 0) {
      out.add(spec.path("healthCheckNodePort").asInt());
    }
    return out;
  }

  private static List<ObjectNode> elements(JsonNode array) {
    List<ObjectNode> out = new java.util.ArrayList<>();
    array.forEach(n -> {
      if (n instanceof ObjectNode o) {
        out.add(o);
      }
    });
    return out;
  }
}
