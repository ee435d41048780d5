package dev.ordinal.server;

import java.util.Optional;
import picocli.CommandLine.Option;

/** kube-controller-manager's node IPAM flags, shared by the commands that give agents their pod ranges. */
public final class NodeRangeOptions {
  @Option(names = "--cluster-cidr", defaultValue = "10.42.0.0/16",
      description = "The range agents' nodes get their pod ranges from (default: ${DEFAULT-VALUE}).")
  String clusterCidr;

  @Option(names = "--node-cidr-mask-size", defaultValue = "24", description = "The size of each agent's pod range (default: ${DEFAULT-VALUE}).")
  int nodeMask;

  /** What is wrong with the two, for the command to print, or empty. */
  Optional<String> problem() {
    if (!clusterCidr.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+") || nodeMask < 16 || nodeMask > 28
        || nodeMask < Integer.parseInt(clusterCidr.substring(clusterCidr.indexOf('/') + 1))) {
      return Optional.of("--cluster-cidr " + clusterCidr + " with --node-cidr-mask-size " + nodeMask
          + " is not an IPv4 range split into node ranges (such as 10.42.0.0/16 and 24)");
    }
    return Optional.empty();
  }
}
