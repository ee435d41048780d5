package dev.ordinal.controllers.pods;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a controller has asked for and not yet seen in its informer, per owner key, as Kubernetes'
 * {@code UIDTrackingControllerExpectations}: a count of pod creations and the keys of pods being
 * deleted. While expectations are pending, the cache is known to be behind the controller's own
 * writes, so the owner is not synced again (which would create or delete the same pods twice).
 * Expectations expire after five minutes, so a lost watch event never wedges an owner.
 * Thread-safe (short synchronized sections that never wait).
 */
public final class Expectations {
  public static final Duration TTL = Duration.ofMinutes(5);

  private final Map<String, Pending> byOwner = new HashMap<>();
  private final Supplier<Instant> clock;

  public Expectations() {
    this(Instant::now);
  }

  public Expectations(Supplier<Instant> clock) {
    this.clock = clock;
  }

  private static final class Pending {
    int adds;
    final Set<String> deletes = new HashSet<>();
    Instant since;
  }

  /** Replaces the owner's expectations: {@code adds} creations and the deletion of {@code deletes}. */
  public synchronized void expect(String owner, int adds, Set<String> deletes) {
    Pending p = new Pending();
    p.adds = adds;
    p.deletes.addAll(deletes);
    p.since = clock.get();
    byOwner.put(owner, p);
  }

  /** A pod the owner created appeared in the cache (or its creation failed: it never will). */
  public synchronized void creationObserved(String owner) {
    Pending p = byOwner.get(owner);
    if (p != null) {
      p.adds = Math.max(0, p.adds - 1);
    }
  }

  /** A pod the owner meant to delete is gone or terminating (or its deletion failed). */
  public synchronized void deletionObserved(String owner, String podKey) {
    Pending p = byOwner.get(owner);
    if (p != null) {
      p.deletes.remove(podKey);
    }
  }

  /** True when nothing is pending for the owner, or what was pending has expired. */
  public synchronized boolean isSatisfied(String owner) {
    Pending p = byOwner.get(owner);
    if (p == null) {
      return true;
    }
    if (p.adds <= 0 && p.deletes.isEmpty()) {
      return true;
    }
    return !p.since.plus(TTL).isAfter(clock.get());
  }

  /** Forgets the owner (deleted). */
  public synchronized void forget(String owner) {
    byOwner.remove(owner);
  }
}
