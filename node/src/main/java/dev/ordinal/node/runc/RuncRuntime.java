package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.node.images.ImagePuller;
import dev.ordinal.node.images.ImageStore;
import dev.ordinal.node.runtime.ContainerEvent;
import dev.ordinal.node.runtime.ContainerRuntime;
import dev.ordinal.node.runtime.ContainerState;
import dev.ordinal.node.runtime.ContainerState.State;
import dev.ordinal.node.runtime.PodObservation;
import dev.ordinal.node.runtime.ProbeResult;
import dev.ordinal.apiserver.nodes.PodAttach;
import dev.ordinal.apiserver.nodes.PodExec;
import dev.ordinal.apiserver.nodes.ExecTerminal;
import dev.ordinal.apiserver.nodes.PodLogs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pods as real containers: a network namespace on the bridge with the pod's /etc files, then init
 * containers one at a time, then the app containers, each a runc container under conmon with an
 * overlay root over the image's layers (a host image's made by HostRoot) and its volumes bind-mounted.
 * Containers that exit are restarted as the pod's restartPolicy says, with kubelet's back-off.
 * Everything lives under {@code <data-dir>/pods/<uid>}, so a restarted agent picks the pods up
 * where they are (conmon keeps the containers running meanwhile).
 */
public final class RuncRuntime implements ContainerRuntime, PodLogs, PodExec, PodAttach {
  private static final Logger log = LoggerFactory.getLogger(RuncRuntime.class);

  /**
   * Where and how the runtime works.
   *
   * @param logMaxSize, logMaxFiles kubelet's containerLogMaxSize and containerLogMaxFiles
   * @param podRoutes pod ranges of other nodes that pods reach through this node (multi-node; empty on one machine)
   */
  public record Config(Path dataDir, String podCidr, Path cniPlugins, Path runc, Path conmon, Duration backOffBase,
      Duration backOffMax, boolean allowPrivileged, String clusterDns, long logMaxSize, int logMaxFiles, List<String> podRoutes) {
    public Config(Path dataDir, String podCidr, Path cniPlugins, Path runc, Path conmon, Duration backOffBase,
        Duration backOffMax, boolean allowPrivileged, String clusterDns, long logMaxSize, int logMaxFiles) {
      this(dataDir, podCidr, cniPlugins, runc, conmon, backOffBase, backOffMax, allowPrivileged, clusterDns, logMaxSize, logMaxFiles,
          List.of());
    }

    /** The same, with routes in every pod to these ranges through the bridge (the other nodes' pods). */
    public Config withPodRoutes(List<String> ranges) {
      return new Config(dataDir, podCidr, cniPlugins, runc, conmon, backOffBase, backOffMax, allowPrivileged, clusterDns, logMaxSize,
          logMaxFiles, List.copyOf(ranges));
    }

    public static Config defaults(Path dataDir) {
      return new Config(dataDir, "10.88.0.0/16", Path.of("/usr/lib/cni"), Path.of("/usr/sbin/runc"), Path.of("/usr/bin/conmon"),
          Duration.ofSeconds(10), Duration.ofMinutes(5), false, "", LogRotation.Limits.DEFAULT.maxSize(), LogRotation.Limits.DEFAULT.maxFiles());
    }

    /** The same, with another pod network and whether privileged containers may run. */
    public Config with(String cidr, boolean privileged) {
      return new Config(dataDir, cidr, cniPlugins, runc, conmon, backOffBase, backOffMax, privileged, clusterDns, logMaxSize, logMaxFiles,
          podRoutes);
    }

    /**
     * The same, with the address pods' resolv.conf names for ClusterFirst (kubelet's
     * {@code --cluster-dns}: the kube-dns Service); empty names the bridge gateway, where the
     * cluster DNS itself listens.
     */
    public Config withClusterDns(String address) {
      return new Config(dataDir, podCidr, cniPlugins, runc, conmon, backOffBase, backOffMax, allowPrivileged, address, logMaxSize,
          logMaxFiles, podRoutes);
    }

    /** The same, with other log rotation limits. */
    public Config withLogs(long maxSize, int maxFiles) {
      new LogRotation.Limits(maxSize, maxFiles); // refuses nonsense
      return new Config(dataDir, podCidr, cniPlugins, runc, conmon, backOffBase, backOffMax, allowPrivileged, clusterDns, maxSize, maxFiles,
          podRoutes);
    }
  }

  private final Config config;
  private final Path podsDir;
  private final PodNetwork network;
  private final PodVolumes volumes;
  private final ImageResolver images;
  private final PodImages podImages;
  private final PodContainers containers;
  private final RuncContainer.Tools tools;
  private final PodRemnants remnants;
  private final Map<String, RuncPod> pods = new ConcurrentHashMap<>();

  public RuncRuntime(Config config, PodResources resources) throws IOException {
    this.config = config;
    this.podsDir = config.dataDir().resolve("pods");
    Files.createDirectories(podsDir);
    Path socketDir = socketDir(config.dataDir());
    Files.createDirectories(socketDir);
    this.tools = new RuncContainer.Tools(config.runc(), config.conmon(), socketDir);
    this.network = new PodNetwork(config.cniPlugins(), config.dataDir().resolve("cni"), config.podCidr(), config.podRoutes());
    this.volumes = new PodVolumes(resources, new LoopVolumes(config.dataDir().resolve("volumes")));
    ImageStore store = new ImageStore(config.dataDir());
    store.cleanPartials(); // what a pull killed with Ordinal left in tmp/: the pod's next sync pulls again
    this.images = new ImageResolver(store, config.dataDir().resolve("host-images"), new ImagePuller(store, ImageResolver.registryConfig(config.dataDir())));
    this.podImages = new PodImages(images, resources);
    this.containers = new PodContainers(tools);
    this.remnants = new PodRemnants(config.runc(), podsDir, network);
  }

  /**
   * Starts kubelet's image GC ({@link ImageGc}, every 5 minutes): above {@code policy}'s high
   * threshold of the image filesystem, unused images go, least recently used first.
   */
  public void startImageGc(dev.ordinal.node.images.ImageGcPlan.Policy policy) {
    imageGc(policy).start(Duration.ofMinutes(5));
  }

  /** The image GC of this runtime's store under a policy (a pass runs with {@code collect}). */
  ImageGc imageGc(dev.ordinal.node.images.ImageGcPlan.Policy policy) {
    return new ImageGc(images.store(), policy, this::imagesInUse, podImages::lastUsed);
  }

  /** The store ids of the images this node's containers run on (a container not yet removed counts). */
  java.util.Set<String> imagesInUse() {
    java.util.Set<String> out = new java.util.HashSet<>(podImages.inUse(pods.values()));
    try {
      out.addAll(ImageUsers.scan(config.dataDir()).keySet()); // runs of pods this agent has not synced since a restart
    } catch (IOException e) {
      log.warn("image GC: reading the containers' images: {}", e.getMessage());
    }
    return out;
  }

  /** Starts kubelet's log rotation for this runtime's running containers ({@link LogRotator}). */
  public void startLogRotation() {
    new LogRotator(new LogRotation.Limits(config.logMaxSize(), config.logMaxFiles()), this::runningContainers).start();
  }

  private List<RuncContainer> runningContainers() {
    List<RuncContainer> out = new ArrayList<>();
    for (RuncPod p : pods.values()) {
      for (ContainerSlot slot : p.slots()) {
        RuncContainer c = slot.current;
        if (c != null && c.exitCode().isEmpty()) {
          out.add(c);
        }
      }
    }
    return out;
  }

  /**
   * Starts reading the running containers' cgroups every 5 s (kubelet's cAdvisor housekeeping
   * is 10 s; metrics-server's resolution 15 s), for metrics.k8s.io and the agent's {@code /metrics}.
   */
  public dev.ordinal.node.metrics.StatsSampler startStats() {
    var sampler = new dev.ordinal.node.metrics.StatsSampler(this::statsTargets, dev.ordinal.node.metrics.CgroupReader.system(),
        Duration.ofSeconds(5)).start();
    dev.ordinal.node.metrics.AgentMetrics.running(this::runningPods, sampler::runningContainers);
    return sampler;
  }

  /** The running containers with their cgroups, for the node's usage readings (metrics.k8s.io). */
  public List<dev.ordinal.node.metrics.StatsSampler.Target> statsTargets() {
    List<dev.ordinal.node.metrics.StatsSampler.Target> out = new ArrayList<>();
    for (RuncPod p : pods.values()) {
      for (ContainerSlot slot : List.copyOf(java.util.stream.Stream.of(p.init, p.app, p.ephemeral).flatMap(m -> m.values().stream()).toList())) {
        RuncContainer c = slot.current;
        if (c != null && c.exitCode().isEmpty() && c.startedAt() != null) {
          out.add(new dev.ordinal.node.metrics.StatsSampler.Target(p.uid, slot.name, cgroupsPath(p, slot)));
        }
      }
    }
    return out;
  }

  /** How many pods have a sandbox here (for {@code kubelet_running_pods}). */
  public int runningPods() {
    return (int) pods.values().stream().filter(p -> !p.ip.isEmpty()).count();
  }

  @Override
  public List<Path> logFiles(String podUid, String container, boolean previous) {
    return ContainerLogFiles.all(podsDir, podUid, container, previous);
  }

  /** conmon's sockets of this data directory's containers, under /run (kept short: unix socket paths are). */
  static Path socketDir(Path dataDir) {
    return Path.of("/run/ordinal-" + Integer.toHexString(dataDir.toAbsolutePath().toString().hashCode()));
  }

  /**
   * Brings up the pod bridge and its gateway address before any pod runs, so that what listens
   * there for pods (DNS, the API) is bound when the first pod starts.
   */
  public void prepareNetwork() throws IOException {
    network.ensureBridge();
  }

  /** The bridge address of a pod network: where pods find the cluster DNS and the API. */
  public static String gatewayOf(String podCidr) {
    return PodNetwork.gatewayOf(podCidr);
  }

  /** The address pods reach the host (and its cluster DNS) at. */
  public String gateway() {
    return network.gateway();
  }

  @Override
  public PodObservation sync(ObjectNode pod, Instant now) {
    RuncPod p = pods.computeIfAbsent(Meta.uid(pod), uid -> new RuncPod(uid, podsDir.resolve(uid)));
    p.lock.lock(); // a lock, not synchronized: the pod worker is a virtual thread that waits inside
    try {
      p.events.clear();
      Instant next = null;
      if (p.ip.isEmpty() && p.stopRequested == null) {
        try {
          setUpSandbox(pod, p);
        } catch (IOException e) {
          p.sandboxError = e.getMessage();
          log.warn("pod {}/{}: sandbox: {}", Meta.namespace(pod), Meta.name(pod), e.getMessage());
          next = now.plusSeconds(2);
        }
      }
      Map<String, Path> podVolumes = Map.of();
      String configError = "";
      if (!p.ip.isEmpty() && p.stopRequested == null) {
        try {
          podVolumes = volumes.prepare(pod, p.dir, p.ip);
        } catch (ConfigError | IOException e) {
          configError = e.getMessage();
          next = earlier(next, now.plusSeconds(2));
        }
      }
      String restartPolicy = pod.path("spec").path("restartPolicy").asText("Always");
      boolean initialized = true;
      List<ContainerState> initStates = new ArrayList<>();
      for (JsonNode c : pod.path("spec").path("initContainers")) {
        ContainerSlot slot = p.init.computeIfAbsent(c.path("name").asText(), ContainerSlot::new);
        next = earlier(next, advance(pod, p, c, slot, true, podVolumes, configError,
            restartPolicy.equals("Always") ? "OnFailure" : restartPolicy, now));
        ContainerState s = state(slot);
        initStates.add(s);
        if (!(s.state() == State.TERMINATED && s.exitCode() == 0)) {
          initialized = false;
          break;
        }
      }
      List<ContainerState> appStates = new ArrayList<>();
      for (JsonNode c : pod.path("spec").path("containers")) {
        ContainerSlot slot = p.app.computeIfAbsent(c.path("name").asText(), ContainerSlot::new);
        if (initialized) {
          next = earlier(next, advance(pod, p, c, slot, false, podVolumes, configError, restartPolicy, now));
        } else {
          slot.waitingReason = "PodInitializing";
        }
        appStates.add(state(slot));
      }
      List<ContainerState> ephemeralStates = new ArrayList<>();
      for (JsonNode c : pod.path("spec").path("ephemeralContainers")) {
        ContainerSlot slot = p.ephemeral.computeIfAbsent(c.path("name").asText(), ContainerSlot::new);
        if (initialized) {
          // restartPolicy Never: an ephemeral container runs once, as upstream
          next = earlier(next, advance(pod, p, c, slot, false, podVolumes, configError, "Never", now));
        }
        ephemeralStates.add(state(slot));
      }
      return new PodObservation(p.ip, initStates, appStates, initialized, next, List.copyOf(p.events), ephemeralStates);
    } finally {
      p.lock.unlock();
    }
  }

  private void setUpSandbox(ObjectNode pod, RuncPod p) throws IOException {
    Files.createDirectories(p.dir);
    Path ipFile = p.dir.resolve("ip");
    String ip = Files.exists(ipFile) && Files.exists(PodNetwork.namespacePath(p.uid)) ? Files.readString(ipFile).strip() : "";
    if (ip.isEmpty()) {
      ip = network.setUp(p.uid);
      Files.writeString(ipFile, ip);
    }
    Files.writeString(p.dir.resolve("hostname"), PodFiles.hostname(pod) + "\n");
    Files.writeString(p.dir.resolve("hosts"), PodFiles.hosts(pod, ip));
    Files.writeString(p.dir.resolve("resolv.conf"),
        PodDns.resolvConf(pod, config.clusterDns().isEmpty() ? network.gateway() : config.clusterDns(), hostResolvConf()));
    p.ip = ip;
    p.sandboxError = "";
  }

  /** The host's resolv.conf, for dnsPolicy Default and the host's search domains ("" if unreadable). */
  private static String hostResolvConf() {
    try {
      return Files.readString(Path.of("/etc/resolv.conf"));
    } catch (IOException e) {
      return "";
    }
  }

  /** Moves one container along; returns when it should be looked at again by itself, or null. */
  private Instant advance(ObjectNode pod, RuncPod p, JsonNode spec, ContainerSlot slot, boolean init, Map<String, Path> podVolumes,
      String configError, String restartPolicy, Instant now) {
    if (p.stopRequested != null) {
      return null;
    }
    if (slot.image == null) {
      slot.image = spec.path("image").asText("");
    }
    if (slot.current == null) {
      slot.current = containers.adopt(p, slot);
    }
    if (!init && slot.current != null && slot.image != null && !slot.image.equals(spec.path("image").asText())) {
      Instant later = InPlaceChanges.replaceChanged(pod, p, slot, now, ContainerEvent.killingForDefinitionChange(slot.name, false));
      if (later != null) {
        return later;
      }
    }
    if (!init && slot.current != null && p.ephemeral.get(slot.name) != slot) {
      Instant later = InPlaceChanges.resize(pod, p, spec, slot, now);
      if (later != null) {
        return later;
      }
    }
    if (slot.current != null) {
      OptionalInt exit = slot.current.exitCode();
      if (exit.isEmpty()) {
        return null; // running
      }
      if (!slot.exitSeen) {
        slot.exitSeen = true;
        int code = exit.getAsInt();
        String reason = slot.current.oomKilled(cgroupsPath(p, slot)) ? "OOMKilled" : code == 0 ? "Completed" : "Error";
        slot.finished(new ContainerState.Termination(code, reason, slot.current.startedAt(), slot.current.finishedAt()),
            now, config.backOffBase(), config.backOffMax());
        deleteQuietly(slot.current);
      }
      boolean again = restartPolicy.equals("Always") || (restartPolicy.equals("OnFailure") && slot.last.exitCode() != 0);
      if (!again) {
        slot.restartAt = null;
        return null;
      }
      if (now.isBefore(slot.restartAt)) {
        backingOff(pod, p, slot, init);
        return slot.restartAt;
      }
      slot.restarts++;
      slot.current = null;
    }
    if (slot.restartAt != null && now.isBefore(slot.restartAt)) {
      backingOff(pod, p, slot, init);
      return slot.restartAt;
    }
    if (p.ip.isEmpty()) {
      slot.waitingReason = "ContainerCreating";
      return null;
    }
    if (!configError.isEmpty()) {
      slot.waitingReason = "CreateContainerConfigError";
      slot.message = configError;
      return now.plusSeconds(2);
    }
    try {
      ContainerLaunch.checkPrivileged(spec, config.allowPrivileged());
      PodImages.Step step = podImages.ensure(pod, spec, init, p.events, now);
      if (step instanceof PodImages.Waiting w) {
        slot.waitingReason = w.reason();
        slot.message = w.message();
        return w.retryAt();
      }
      ImageResolver.Resolved image = ((PodImages.Ready) step).image();
      slot.image = spec.path("image").asText("");
      slot.imageId = image.imageId();
      slot.storeId = image.storeId();
      RuncContainer c = containers.container(p, slot);
      ContainerLaunch.Launch launch = ContainerLaunch.spec(pod, spec, p.ip, p.dir, podVolumes, hidden(),
          PodNetwork.namespacePath(p.uid), cgroupsPath(p, slot), volumes.resources(), image, config.allowPrivileged());
      if (p.ephemeral.get(slot.name) == slot) {
        EphemeralNamespaces.join(launch.oci(), spec, EphemeralNamespaces.targetPid(p, spec), EphemeralNamespaces.firstPid(p));
      }
      slot.current = c;
      slot.exitSeen = false;
      Cgroups.PARENT_LOCK.readLock().lock();
      try {
        c.start(launch.oci(), launch.layers(), launch.stdio());
      } finally {
        Cgroups.PARENT_LOCK.readLock().unlock();
      }
      slot.resources = spec.path("resources").deepCopy();
      slot.resizeError = "";
      p.events.add(ContainerEvent.created(slot.name, init));
      p.events.add(ContainerEvent.started(slot.name, init));
      slot.restartAt = null;
      JsonNode postStart = spec.path("lifecycle").path("postStart");
      if (postStart.isObject() && !Hooks.run(postStart, spec, c, p.ip, Duration.ofSeconds(30))) {
        log.warn("pod {}/{} container {}: postStart hook failed, killing it", Meta.namespace(pod), Meta.name(pod), slot.name);
        signalQuietly(c, "KILL");
      }
      slot.waitingReason = "";
      slot.message = "";
    } catch (ConfigError e) {
      slot.waitingReason = "CreateContainerConfigError";
      slot.message = e.getMessage();
      return now.plusSeconds(2);
    } catch (IOException e) {
      log.warn("pod {}/{} container {}: {}", Meta.namespace(pod), Meta.name(pod), slot.name, e.getMessage());
      deleteQuietly(slot.current);
      slot.current = null;
      slot.restarts++;
      slot.finished(new ContainerState.Termination(128, "StartError", now, now), now, config.backOffBase(), config.backOffMax());
      slot.waitingReason = "RunContainerError";
      slot.message = e.getMessage();
      return slot.restartAt;
    }
    return null;
  }

  /** Waiting out the back-off: kubelet's CrashLoopBackOff message, and one BackOff event per wait. */
  private void backingOff(ObjectNode pod, RuncPod p, ContainerSlot slot, boolean init) {
    slot.waitingReason = "CrashLoopBackOff";
    slot.message = ContainerEvent.backOffMessage(slot.name, pod, slot.backOffDelay());
    if (!slot.restartAt.equals(slot.backOffReported)) {
      slot.backOffReported = slot.restartAt;
      p.events.add(ContainerEvent.backOff(slot.name, init, pod));
    }
  }

  private static String cgroupsPath(RuncPod p, ContainerSlot slot) {
    return Cgroups.podPath(p.uid) + "/" + slot.name + "-" + slot.restarts;
  }

  /**
   * Puts this process's pods under another cgroup parent than {@code /ordinal} (kubelet's
   * {@code --cgroup-root}); call once, before the first pod.
   *
   * @throws IllegalArgumentException when it is not an absolute path of plain names
   */
  public static void useCgroupRoot(String path) {
    Cgroups.useParent(path);
  }

  /**
   * What no container may see of what a host image shows of the host (its /usr): the data
   * directory, should it lie there. Everything else of the host is outside a host image's root.
   */
  private List<String> hidden() {
    return List.of(config.dataDir().toAbsolutePath().normalize().toString());
  }

  private ContainerState state(ContainerSlot slot) {
    RuncContainer c = slot.current;
    String id = c == null ? "" : "runc://" + c.id();
    if (c != null && c.exitCode().isEmpty() && c.startedAt() != null) {
      return new ContainerState(slot.name, State.RUNNING, "", 0, c.startedAt(), null, slot.restarts, id, slot.last)
          .withImageId(podImages.imageId(slot)).withImage(slot.image).withResources(slot.resources, slot.resizeError);
    }
    if (slot.restartAt == null && slot.last != null && c != null) {
      // finished for good (a completed init container, or restartPolicy says no)
      var t = slot.last;
      return new ContainerState(slot.name, State.TERMINATED, t.reason(), t.exitCode(), t.startedAt(), t.finishedAt(), slot.restarts, id,
          null).withImageId(podImages.imageId(slot));
    }
    return new ContainerState(slot.name, State.WAITING, slot.waitingReason.isEmpty() ? "ContainerCreating" : slot.waitingReason, 0,
        null, null, slot.restarts, "", slot.last, slot.message);
  }

  @Override
  public ProbeResult probe(ObjectNode pod, String container, String kind, Instant now) {
    RuncPod p = pods.get(Meta.uid(pod));
    ContainerSlot slot = p == null ? null : p.app.get(container);
    if (slot == null || slot.current == null) {
      return ProbeResult.failed("container " + container + " is not running");
    }
    JsonNode spec = containerSpec(pod, container);
    return Probes.run(spec.path(kind + "Probe"), spec, slot.current, p.ip);
  }

  @Override
  public java.util.Set<String> podsHeld() {
    return remnants.held();
  }

  /**
   * Empty cgroup directories of pods that are gone. A network namespace is never taken for an
   * orphan: without this data directory's record of the pod it may be another instance's.
   */
  @Override
  public void removeOrphans(java.util.Set<String> livePodUids) {
    try {
      java.util.Set<String> held = remnants.held();
      for (String uid : Cgroups.pods()) {
        if (!livePodUids.contains(uid) && !held.contains(uid) && !pods.containsKey(uid)) {
          // rmdir only: the kernel refuses a cgroup with processes, so a running pod is never touched
          Cgroups.remove(Cgroups.podPath(uid));
        }
      }
      if (pods.isEmpty()) {
        Cgroups.removeParentIfEmpty();
      }
    } catch (IOException e) {
      log.warn("removing orphaned cgroups: {}", e.getMessage());
    }
  }

  /** What is left on the host of a pod (containers, mounts, netns, address, cgroups, its directory); empty when nothing. */
  public List<String> leftovers(String podUid) throws IOException {
    return remnants.of(podUid);
  }

  @Override
  public void kill(ObjectNode pod, String container) {
    RuncContainer c = current(Meta.uid(pod), container);
    if (c != null && c.exitCode().isEmpty()) {
      signalQuietly(c, "KILL");
    }
  }

  @Override
  public boolean stop(ObjectNode pod, long gracePeriodSeconds, Instant now) {
    RuncPod p = pods.computeIfAbsent(Meta.uid(pod), uid -> new RuncPod(uid, podsDir.resolve(uid)));
    p.lock.lock(); // a lock, not synchronized: the pod worker is a virtual thread that waits inside
    try {
      if (p.stopRequested == null) {
        containers.adoptAll(pod, p);
      }
      List<RuncContainer> running = new ArrayList<>();
      for (ContainerSlot s : p.init.values()) {
        addRunning(running, s);
      }
      for (ContainerSlot s : p.app.values()) {
        addRunning(running, s);
      }
      for (ContainerSlot s : p.ephemeral.values()) {
        addRunning(running, s);
      }
      if (p.stopRequested == null) {
        p.stopRequested = now;
        Duration grace = Duration.ofSeconds(gracePeriodSeconds);
        for (ContainerSlot s : p.app.values()) {
          RuncContainer c = s.current;
          if (running.contains(c)) {
            JsonNode spec = containerSpec(pod, s.name);
            JsonNode preStop = spec.path("lifecycle").path("preStop");
            // the hook runs first, within the grace period; SIGTERM follows it (KILL comes at the end of the period)
            Thread.ofVirtual().name("prestop-" + s.name).start(() -> {
              if (preStop.isObject()) {
                Hooks.run(preStop, spec, c, p.ip, grace);
              }
              signalQuietly(c, c.stopSignal());
            });
          }
        }
        for (ContainerSlot s : List.copyOf(java.util.stream.Stream.concat(p.init.values().stream(), p.ephemeral.values().stream()).toList())) {
          if (running.contains(s.current)) {
            signalQuietly(s.current, "TERM");
          }
        }
      } else if (!p.killed && !now.isBefore(p.stopRequested.plusSeconds(gracePeriodSeconds))) {
        p.killed = true;
        for (RuncContainer c : running) {
          signalQuietly(c, "KILL");
        }
      }
      return running.isEmpty();
    } finally {
      p.lock.unlock();
    }
  }

  private static JsonNode containerSpec(ObjectNode pod, String name) {
    for (JsonNode c : pod.path("spec").path("containers")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    return pod.objectNode();
  }

  private static void addRunning(List<RuncContainer> out, ContainerSlot s) {
    if (s.current != null && s.current.exitCode().isEmpty() && s.current.startedAt() != null) {
      out.add(s.current);
    }
  }

  @Override
  public boolean remove(String podUid) {
    RuncPod p = pods.remove(podUid);
    if (p != null) {
      p.lock.lock();
      try {
        for (ContainerSlot s : List.copyOf(p.init.values())) {
          signalQuietly(s.current, "KILL");
        }
        for (ContainerSlot s : List.copyOf(p.app.values())) {
          signalQuietly(s.current, "KILL");
        }
        for (ContainerSlot s : List.copyOf(p.ephemeral.values())) {
          signalQuietly(s.current, "KILL");
        }
      } finally {
        p.lock.unlock();
      }
    }
    volumes.forget(podUid);
    podImages.forget(podUid);
    // what the host holds is found on the host: after a restart memory knows nothing of it
    boolean gone = remnants.remove(podUid);
    if (pods.isEmpty()) {
      Cgroups.removeParentIfEmpty();
    }
    return gone;
  }

  static void deleteQuietly(RuncContainer c) {
    try {
      c.delete();
    } catch (IOException e) {
      log.warn("deleting container {}: {}", c.id(), e.getMessage());
    }
  }

  static void signalQuietly(RuncContainer c, String signal) {
    if (c == null) {
      return;
    }
    try {
      c.signal(signal);
    } catch (IOException e) {
      log.warn("signalling container {}: {}", c.id(), e.getMessage());
    }
  }

  @Override
  public Optional<Path> logFile(String podUid, String container, boolean previous) {
    return ContainerLogFiles.current(podsDir, podUid, container, previous);
  }

  @Override
  public boolean running(String podUid, String container) {
    RuncContainer c = current(podUid, container);
    return c != null && c.exitCode().isEmpty();
  }

  private RuncContainer current(String podUid, String container) {
    RuncPod p = pods.get(podUid);
    if (p == null) {
      return null;
    }
    ContainerSlot slot = p.app.containsKey(container) ? p.app.get(container)
        : p.init.containsKey(container) ? p.init.get(container) : p.ephemeral.get(container);
    return slot == null ? null : slot.current;
  }

  @Override
  public int exec(String podUid, String container, List<String> command, InputStream stdin, OutputStream stdout,
      OutputStream stderr, ExecTerminal terminal) throws IOException {
    RuncContainer c = current(podUid, container);
    if (c == null || c.exitCode().isPresent()) {
      throw new IOException("container " + container + " is not running");
    }
    return c.attach(command, stdin, stdout, stderr, terminal);
  }

  @Override
  public void attach(String podUid, String container, InputStream stdin, OutputStream stdout, OutputStream stderr,
      ExecTerminal terminal) throws IOException {
    RuncContainer c = current(podUid, container);
    if (c == null || c.exitCode().isPresent()) {
      throw new IOException("container " + container + " is not running");
    }
    c.attachMain(stdin, stdout, stderr, terminal);
  }

  private static Instant earlier(Instant a, Instant b) {
    return b == null ? a : a == null || b.isBefore(a) ? b : a;
  }

  @Override
  public String version() {
    return "runc://1.1.5";
  }

}
