package dev.ordinal.controllers.apiserverlease;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.leaderelection.LeaseRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every API server of a several-server cluster does on its own, leader or not: keeps its
 * identity Lease {@code kube-system/apiserver-<hash>} renewed (upstream's, labelled
 * {@code apiserver.kubernetes.io/identity=kube-apiserver}, holder {@code apiserver-<hash>_<uuid>}),
 * deletes the Leases that have expired, and keeps {@code default/kubernetes}'s Endpoints and
 * EndpointSlice equal to the live servers ({@link ApiServerEndpointsPlanner}). The Lease lasts
 * 15 s, renewed every 5 s — upstream's identity Leases last an hour, but its endpoint reconciler's
 * master leases last 15 s, and here one Lease serves both, so a dead server leaves the Endpoints
 * within about 20 s. Writes carry the resourceVersion read, so servers that reconcile at once
 * do not undo each other.
 */
public final class ApiServerLeases implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServerLeases.class);
  public static final String NAMESPACE = "kube-system";
  static final int DURATION_SECONDS = 15;
  static final Duration PERIOD = Duration.ofSeconds(5);

  private final Client client;
  private final String name;
  private final String holder;
  private final String address;
  private final String hostname;
  private volatile boolean closed;
  private Thread loop;

  /** @param address where this server serves, {@code ip:port} */
  public ApiServerLeases(Client client, String hostname, String address) {
    this.client = client;
    this.hostname = hostname;
    this.address = address;
    this.name = "apiserver-" + hash(hostname + "/" + address);
    this.holder = name + "_" + UUID.randomUUID();
  }

  /** Upstream hashes the host name; several servers may share a host here, so the address counts too. */
  private static String hash(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 26);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String leaseName() {
    return name;
  }

  /** Renews and reconciles once now (so this server is listed before it says it is ready), then every 5 s. */
  public void start() {
    try {
      sync();
    } catch (RuntimeException e) {
      log.warn("apiserver lease {}: {}", name, e.getMessage());
    }
    loop = Thread.ofVirtual().name("apiserver-lease").start(() -> {
      while (!closed) {
        try {
          Thread.sleep(PERIOD.toMillis());
        } catch (InterruptedException e) {
          return;
        }
        try {
          sync();
        } catch (RuntimeException e) {
          log.debug("apiserver lease {}: {}", name, e.getMessage());
        }
      }
    });
  }

  void sync() {
    renew();
    Instant now = Instant.now();
    var leases = client.list(Types.LEASES, NAMESPACE,
        ListOptions.labelled(ApiServerEndpointsPlanner.IDENTITY_LABEL + "=" + ApiServerEndpointsPlanner.IDENTITY)).items();
    ApiServerEndpointsPlanner.Plan plan = ApiServerEndpointsPlanner.plan(leases, now);
    for (String expired : plan.expired()) {
      try {
        client.delete(Types.LEASES, NAMESPACE, expired, DeleteOptions.DEFAULT);
        log.info("deleted the expired lease of API server {}", expired);
      } catch (ApiException e) {
        // another server deleted it first
      }
    }
    if (!plan.live().isEmpty()) {
      writeEndpoints(plan);
    }
  }

  private void renew() {
    Instant now = Instant.now();
    ObjectNode lease = client.find(Types.LEASES, NAMESPACE, name).orElse(null);
    boolean create = lease == null;
    if (create) {
      lease = Json.object().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
      lease.putObject("metadata").put("name", name).put("namespace", NAMESPACE);
    }
    ObjectNode meta = lease.with("metadata");
    meta.with("labels").put(ApiServerEndpointsPlanner.IDENTITY_LABEL, ApiServerEndpointsPlanner.IDENTITY)
        .put("kubernetes.io/hostname", hostname);
    meta.with("annotations").put(ApiServerEndpointsPlanner.ADDRESS_ANNOTATION, address);
    LeaseRecord old = create ? null : LeaseRecord.of(lease);
    new LeaseRecord(holder, old == null || !old.holder().equals(holder) ? now : old.acquireTime(), now, DURATION_SECONDS,
        old == null ? 0 : old.transitions()).writeTo(lease);
    if (create) {
      client.create(Types.LEASES, NAMESPACE, lease);
    } else {
      client.update(Types.LEASES, lease);
    }
  }

  private void writeEndpoints(ApiServerEndpointsPlanner.Plan plan) {
    ObjectNode ep = client.find(Types.ENDPOINTS, "default", "kubernetes").orElse(null);
    JsonNode subsets = ApiServerEndpointsPlanner.subsets(plan.live());
    if (ep == null) {
      ObjectNode fresh = Json.object().put("apiVersion", "v1").put("kind", "Endpoints");
      fresh.putObject("metadata").put("name", "kubernetes").put("namespace", "default");
      fresh.set("subsets", subsets);
      client.create(Types.ENDPOINTS, "default", fresh);
    } else if (!subsets.equals(ep.path("subsets"))) {
      ep.set("subsets", subsets);
      client.update(Types.ENDPOINTS, ep);
      log.info("kubernetes Endpoints: {}", plan.live());
    }
    ObjectNode want = ApiServerEndpointsPlanner.slice(plan.live());
    ObjectNode slice = client.find(Types.ENDPOINT_SLICES, "default", "kubernetes").orElse(null);
    if (slice == null) {
      ObjectNode fresh = Json.object().put("apiVersion", "discovery.k8s.io/v1").put("kind", "EndpointSlice").put("addressType", "IPv4");
      fresh.putObject("metadata").put("name", "kubernetes").put("namespace", "default").putObject("labels")
          .put("kubernetes.io/service-name", "kubernetes")
          .put("endpointslice.kubernetes.io/managed-by", "endpointslicemirroring-controller.k8s.io");
      fresh.setAll(want);
      client.create(Types.ENDPOINT_SLICES, "default", fresh);
    } else if (!want.path("endpoints").equals(slice.path("endpoints")) || !want.path("ports").equals(slice.path("ports"))) {
      slice.setAll(want);
      client.update(Types.ENDPOINT_SLICES, slice);
    }
  }

  /** Stops renewing; with {@code remove}, deletes this server's Lease so the others drop it at their next round. */
  public void close(boolean remove) {
    closed = true;
    if (loop != null) {
      loop.interrupt();
    }
    if (remove) {
      try {
        client.delete(Types.LEASES, NAMESPACE, name, DeleteOptions.DEFAULT);
      } catch (RuntimeException e) {
        // going anyway
      }
    }
  }

  @Override
  public void close() {
    close(true);
  }
}
