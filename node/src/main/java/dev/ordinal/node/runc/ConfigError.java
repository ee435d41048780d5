package dev.ordinal.node.runc;

/**
 * A container cannot be configured yet (a missing ConfigMap, Secret or claim): kubelet reports it
 * as the container waiting with reason CreateContainerConfigError and tries again later.
 */
final class ConfigError extends Exception {
  ConfigError(String message) {
    super(message);
  }
}
