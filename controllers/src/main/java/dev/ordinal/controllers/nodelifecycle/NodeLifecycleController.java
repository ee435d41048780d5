package dev.ordinal.controllers.nodelifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.runtime.Informer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link NodeIpamPlanner} (pod ranges for new nodes) and {@link NodeLifecyclePlanner}
 * (unreachable nodes: conditions, taints, and the pods of fenced nodes) every second from
 * informers on Nodes, Leases and pods, as kube-controller-manager's node-ipam and node-lifecycle
 * controllers do (upstream's monitor period is 5 s).
 */
public final class NodeLifecycleController implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeLifecycleController.class);
  private static final String LEASE_NAMESPACE = "kube-node-lease";
  private final Client client;
  private final String clusterCidr;
  private final int nodeMask;
  private final Duration grace;
  private final Informer nodes;
  private final Informer leases;
  private final Informer pods;
  private final EventRecorder events;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("node-lifecycle").unstarted(r));
  private Instant watchingSince;

  /** @param clusterCidr the pods' range to give nodes parts of (null: no IPAM) */
  public NodeLifecycleController(Client client, String clusterCidr, int nodeMask, Duration grace) {
    this.client = client;
    this.clusterCidr = clusterCidr;
    this.nodeMask = nodeMask;
    this.grace = grace;
    this.nodes = new Informer(client, Types.NODES);
    this.leases = new Informer(client, Types.LEASES);
    this.pods = new Informer(client, Types.PODS);
    this.events = new EventRecorder(client, "node-controller");
  }

  public void start() {
    nodes.start();
    leases.start();
    pods.start();
    watchingSince = Instant.now();
    timer.scheduleWithFixedDelay(this::pass, 1, 1, TimeUnit.SECONDS);
  }

  private void pass() {
    try {
      if (!nodes.awaitSynced(0, TimeUnit.SECONDS) || !leases.awaitSynced(0, TimeUnit.SECONDS) || !pods.awaitSynced(0, TimeUnit.SECONDS)) {
        return;
      }
      List<ObjectNode> all = new ArrayList<>(nodes.all());
      if (clusterCidr != null) {
        assignRanges(all);
      }
      Map<String, Instant> renewed = new HashMap<>();
      for (ObjectNode l : leases.inNamespace(LEASE_NAMESPACE)) {
        String t = l.path("spec").path("renewTime").asText("");
        if (!t.isEmpty()) {
          renewed.put(Meta.name(l), Instant.parse(t));
        }
      }
      Map<String, List<String>> podsByNode = new HashMap<>();
      for (ObjectNode p : pods.all()) {
        String node = p.path("spec").path("nodeName").asText("");
        if (!node.isEmpty()) {
          podsByNode.computeIfAbsent(node, k -> new ArrayList<>()).add(Informer.key(p));
        }
      }
      for (NodeLifecyclePlanner.NodeAction a : NodeLifecyclePlanner.plan(all, renewed, podsByNode, watchingSince, Instant.now(), grace)) {
        apply(a);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("node lifecycle pass: {}", e.getMessage());
    }
  }

  private void assignRanges(List<ObjectNode> all) {
    NodeIpamPlanner.Plan plan = NodeIpamPlanner.plan(clusterCidr, nodeMask, all);
    plan.assign().forEach((node, cidr) -> {
      ObjectNode patch = Json.object();
      patch.putObject("spec").put("podCIDR", cidr).putArray("podCIDRs").add(cidr);
      client.patch(Types.NODES, null, node, "application/merge-patch+json", patch);
      log.info("node {} has pod range {}", node, cidr);
      nodes.get(null, node).ifPresent(n -> events.normal(n, "CIDRAssignmentSucceeded", "Node " + node + " has pod range " + cidr));
    });
    for (String node : plan.exhausted()) {
      nodes.get(null, node).ifPresent(n -> events.warning(n, "CIDRNotAvailable", "Node " + node + " status is now: CIDRNotAvailable"));
    }
  }

  private void apply(NodeLifecyclePlanner.NodeAction a) {
    ObjectNode node = nodes.get(null, a.node()).orElse(null);
    if (node == null) {
      return;
    }
    if (a.markUnknown()) {
      ObjectNode n = node.deepCopy();
      String now = Meta.now();
      for (JsonNode c : n.with("status").withArray("conditions")) {
        ((ObjectNode) c).put("status", "Unknown").put("reason", "NodeStatusUnknown").put("message", "Kubelet stopped posting node status.")
            .put("lastTransitionTime", now);
      }
      try {
        client.updateStatus(Types.NODES, n);
      } catch (ApiException e) {
        log.debug("marking node {} unknown: {}", a.node(), e.getMessage());
      }
      events.normal(node, "NodeNotReady", "Node " + a.node() + " status is now: NodeNotReady");
    }
    if (a.addTaints() || a.removeTaints()) {
      ArrayNode taints = Json.MAPPER.createArrayNode();
      for (JsonNode t : node.path("spec").path("taints")) {
        if (!t.path("key").asText().equals(NodeLifecyclePlanner.UNREACHABLE)) {
          taints.add(t);
        }
      }
      if (a.addTaints()) {
        taints.addObject().put("key", NodeLifecyclePlanner.UNREACHABLE).put("effect", "NoSchedule");
        taints.addObject().put("key", NodeLifecyclePlanner.UNREACHABLE).put("effect", "NoExecute").put("timeAdded", Meta.now());
      }
      ObjectNode patch = Json.object();
      patch.putObject("spec").set("taints", taints);
      client.patch(Types.NODES, null, a.node(), "application/merge-patch+json", patch);
    }
    for (String key : a.podsToDelete()) {
      String ns = key.substring(0, key.indexOf('/'));
      String name = key.substring(key.indexOf('/') + 1);
      ObjectNode pod = pods.get(ns, name).orElse(null);
      if (pod == null) {
        continue;
      }
      try {
        client.delete(Types.PODS, ns, name, new DeleteOptions(0L, null, Meta.uid(pod), null, false));
        log.info("deleted pod {} of lost node {}, which has fenced itself", key, a.node());
        events.warning(pod, "NodeLost",
            "Node " + a.node() + " is lost and has stopped its pods: deleted so that its controller makes it again elsewhere");
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 409) {
          log.warn("deleting pod {} of lost node {}: {}", key, a.node(), e.getMessage());
        }
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    nodes.close();
    leases.close();
    pods.close();
  }
}
