package dev.ordinal.apiserver.nodes;

import java.util.Optional;

/**
 * What the API server asks of the node agent on its machine (kubelet's API on Kubernetes): container
 * logs, commands run in containers, and attaching to their own processes. Set once the agent is up; empty with no runtime.
 */
public final class NodeServices {
  private volatile PodLogs logs;
  private volatile PodExec exec;
  private volatile PodAttach attach;

  /** Serves the node agent's logs, exec and attach from now on. */
  public void serve(PodLogs logs, PodExec exec, PodAttach attach) {
    this.logs = logs;
    this.exec = exec;
    this.attach = attach;
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
