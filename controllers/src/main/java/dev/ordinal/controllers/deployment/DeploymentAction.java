package dev.ordinal.controllers.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One write the Deployment controller makes, as decided by {@link DeploymentPlanner}. */
public sealed interface DeploymentAction {
  /** Creates the new ReplicaSet (named {@code <deployment>-<hash>}). */
  record CreateReplicaSet(ObjectNode replicaSet) implements DeploymentAction {}

  /** Writes a ReplicaSet whose replicas changed from {@code from} to {@code to} (annotations with it). */
  record ScaleReplicaSet(ObjectNode replicaSet, int from, int to) implements DeploymentAction {}

  /** Writes a ReplicaSet whose annotations or minReadySeconds changed, not its size. */
  record UpdateReplicaSet(ObjectNode replicaSet) implements DeploymentAction {}

  /** Deletes an old ReplicaSet beyond revisionHistoryLimit. */
  record DeleteReplicaSet(ObjectNode replicaSet) implements DeploymentAction {}

  /** Sets the Deployment's {@code deployment.kubernetes.io/revision} annotation. */
  record SetRevision(String revision) implements DeploymentAction {}
}
