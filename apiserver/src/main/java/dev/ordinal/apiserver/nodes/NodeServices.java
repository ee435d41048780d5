package dev.ordinal.apiserver.nodes;

import java.util.Optional;

/**
 * What the API server asks of the node agent on its machine (kubelet's API on Kubernetes): container
 * logs, commands run in containers, and attaching to their own processes, resource usage and metrics. Set once the agent is up; empty with no runtime.
 */
public final class NodeServices {
  private volatile PodLogs logs;
  private volatile PodExec exec;
  private volatile PodAttach attach;
  private volatile NodeStats stats;
  private volatile String statsNode = "";
  private volatile java.util.function.Function<String, Optional<RemoteNode>> remotes = n -> Optional.empty();

  /** Serves the node agent's logs, exec and attach from now on. */
  public void serve(PodLogs logs, PodExec exec, PodAttach attach) {
    this.logs = logs;
    this.exec = exec;
    this.attach = attach;
  }

  /** Serves the in-process node agent's (node {@code nodeName}'s) resource usage and metrics from now on. */
  public void serveStats(String nodeName, NodeStats stats) {
    this.statsNode = nodeName;
    this.stats = stats;
  }

  /** The stats of the node named {@code nodeName}: the in-process agent's, or its remote agent's; empty for neither. */
  public Optional<NodeStats> statsFor(String nodeName) {
    if (nodeName.equals(statsNode) && stats != null) {
      return Optional.of(stats);
    }
    return nodeName.isEmpty() ? Optional.empty() : remotes.apply(nodeName).map(r -> (NodeStats) r);
  }

  /**
   * How to reach the agents on other hosts: by node name, the agent that serves it over
   * {@link AgentWire}, or empty for the node in this process (or none).
   */
  public void reachRemoteAgents(java.util.function.Function<String, Optional<RemoteNode>> remotes) {
    this.remotes = remotes;
  }

  /** The agent on another host that runs {@code pod}, when it does not run here. */
  public Optional<RemoteNode> remoteFor(com.fasterxml.jackson.databind.JsonNode pod) {
    String node = pod.path("spec").path("nodeName").asText("");
    return node.isEmpty() ? Optional.empty() : remotes.apply(node);
  }

  /** The exec of the node that runs {@code pod}: its remote agent, or the local one. */
  public Optional<PodExec> execFor(com.fasterxml.jackson.databind.JsonNode pod) {
    Optional<RemoteNode> remote = remoteFor(pod);
    return remote.isPresent() ? Optional.of(remote.get()) : exec();
  }

  /** The attach of the node that runs {@code pod}: its remote agent, or the local one. */
  public Optional<PodAttach> attachFor(com.fasterxml.jackson.databind.JsonNode pod) {
    Optional<RemoteNode> remote = remoteFor(pod);
    return remote.isPresent() ? Optional.of(remote.get()) : attach();
  }

  public Optional<PodLogs> logs() {
    return Optional.ofNullable(logs);
  }

  public Optional<PodExec> exec() {
    return Optional.ofNullable(exec);
  }

  public Optional<PodAttach> attach() {
    return Optional.ofNullable(attach);
  }
}
