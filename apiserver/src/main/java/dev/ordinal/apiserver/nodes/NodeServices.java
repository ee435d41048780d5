package dev.ordinal.apiserver.nodes;

import java.util.Optional;

/**
 * What the API server asks of the node agent on its machine (kubelet's API on Kubernetes): container
 * logs, and commands run in containers. Set once the agent is up; empty with no runtime.
 */
public final class NodeServices {
  private volatile PodLogs logs;
  private volatile PodExec exec;

  public void attach(PodLogs logs, PodExec exec) {
    this.logs = logs;
    this.exec = exec;
  }

  public Optional<PodLogs> logs() {
    return Optional.ofNullable(logs);
  }

  public Optional<PodExec> exec() {
    return Optional.ofNullable(exec);
  }
}
