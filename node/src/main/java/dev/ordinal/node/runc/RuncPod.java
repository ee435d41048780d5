package dev.ordinal.node.runc;

import dev.ordinal.node.runtime.ContainerEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/** What {@link RuncRuntime} holds of one pod: its lock, directory, address and container slots. */
final class RuncPod {
  /** Held by a sync or a stop of the pod; a lock, not synchronized: the pod worker is a virtual thread that waits inside. */
  final ReentrantLock lock = new ReentrantLock();
  final String uid;
  final Path dir;
  String ip = "";
  final Map<String, ContainerSlot> init = new LinkedHashMap<>();
  final Map<String, ContainerSlot> app = new LinkedHashMap<>();
  /** kubectl debug's containers: started once, never restarted, stopped with the pod. */
  final Map<String, ContainerSlot> ephemeral = new LinkedHashMap<>();
  Instant stopRequested;
  boolean killed;
  String sandboxError = "";
  /** What happened during the current sync, for the agent's events. */
  final List<ContainerEvent> events = new ArrayList<>();

  RuncPod(String uid, Path dir) {
    this.uid = uid;
    this.dir = dir;
  }

  /** Every slot, init containers first, ephemeral ones last (a copy: read without the pod's lock, by log rotation and image GC). */
  List<ContainerSlot> slots() {
    return List.copyOf(Stream.of(init, app, ephemeral).flatMap(m -> m.values().stream()).toList());
  }
}
