package dev.ordinal.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.node.runtime.ContainerRuntime;
import dev.ordinal.node.runtime.PodObservation;
import dev.ordinal.node.runtime.ProbeResult;
import dev.ordinal.node.sim.SimulatedRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The simulated runtime behind a gate: syncs wait until the gate opens (a sandbox that takes its
 * time), it can claim to hold pods it never ran (leftovers of a crash), and it records stops and removals.
 */
final class GatedRuntime implements ContainerRuntime {
  final SimulatedRuntime sim = new SimulatedRuntime(Duration.ofMillis(200), Duration.ofSeconds(1));
  final CountDownLatch gate = new CountDownLatch(1);
  final Set<String> held = ConcurrentHashMap.newKeySet();
  final List<String> removed = new CopyOnWriteArrayList<>();
  /** When each pod was first asked to stop. */
  final java.util.Map<String, Instant> stopAsked = new ConcurrentHashMap<>();

  GatedRuntime open() {
    gate.countDown();
    return this;
  }

  @Override
  public PodObservation sync(ObjectNode pod, Instant now) {
    try {
      gate.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    held.add(dev.ordinal.apiserver.registry.Meta.uid(pod));
    return sim.sync(pod, Instant.now());
  }

  @Override
  public ProbeResult probe(ObjectNode pod, String container, String kind, Instant now) {
    return sim.probe(pod, container, kind, now);
  }

  @Override
  public void kill(ObjectNode pod, String container) {
    sim.kill(pod, container);
  }

  @Override
  public boolean stop(ObjectNode pod, long gracePeriodSeconds, Instant now) {
    stopAsked.putIfAbsent(dev.ordinal.apiserver.registry.Meta.uid(pod), Instant.now());
    return sim.stop(pod, gracePeriodSeconds, now);
  }

  @Override
  public boolean remove(String podUid) {
    removed.add(podUid);
    held.remove(podUid);
    return sim.remove(podUid);
  }

  @Override
  public Set<String> podsHeld() {
    return Set.copyOf(held);
  }

  @Override
  public String version() {
    return "gated://0";
  }
}
