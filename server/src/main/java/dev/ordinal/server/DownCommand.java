package dev.ordinal.server;

import dev.ordinal.node.proxy.ServiceProxy;
import dev.ordinal.node.runc.HostTeardown;
import dev.ordinal.node.runc.RuncRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ordinal down}: stops everything {@code ordinal up} started on this machine for a data
 * directory — the server if it runs, then the containers, conmon, network namespaces, mounts,
 * cgroups and, once no other instance's pod is left, the bridge and the Service rules — and keeps
 * the data directory (the database, claims, images), so that the next {@code up} runs the same pods
 * again. {@code up} stopped by Ctrl-C or SIGTERM leaves the containers running, for the next
 * {@code up} to adopt.
 */
@Command(name = "down", mixinStandardHelpOptions = true,
    description = "Stop Ordinal and everything it runs on this machine (containers, networks, mounts); keep the data directory.")
final class DownCommand implements Callable<Integer> {
  @Option(names = "--data-dir", defaultValue = ".ordinal", description = "The data directory of the `ordinal up` to stop (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      System.err.println("ordinal: no data directory at " + dir);
      return 2;
    }
    stopServer(dir);
    if (!Files.isDirectory(dir.resolve("pods"))) {
      System.err.println("ordinal: stopped; no pods ran from " + dir);
      return 0;
    }
    if (!RuncHost.isRoot()) {
      System.err.println("ordinal: removing containers needs root: run sudo ordinal down --data-dir " + dir);
      return 2;
    }
    List<String> left = HostTeardown.stopEverything(RuncRuntime.Config.defaults(dir));
    if (!left.isEmpty()) {
      System.err.println("ordinal: could not remove everything (run ordinal down again):");
      left.forEach(l -> System.err.println("  " + l));
      return 1;
    }
    ServiceProxy.removeRules();
    System.err.println("ordinal: stopped; the containers, pod networks and mounts of " + dir + " are removed; `ordinal up --data-dir "
        + dir + "` starts the same pods again");
    return 0;
  }

  /** SIGTERM to the `ordinal up` of this data directory, as recorded in its pid file, and a wait for it to exit. */
  private static void stopServer(Path dir) throws Exception {
    Optional<ProcessHandle> up = UpProcess.running(dir);
    if (up.isEmpty()) {
      return;
    }
    System.err.println("ordinal: stopping ordinal up (pid " + up.get().pid() + ")");
    up.get().destroy();
    try {
      up.get().onExit().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      up.get().destroyForcibly();
      up.get().onExit().get(10, TimeUnit.SECONDS);
    }
  }
}
