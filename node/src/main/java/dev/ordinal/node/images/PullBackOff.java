package dev.ordinal.node.images;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * kubelet's image pull back-off ({@code flowcontrol.Backoff} with 10 s initial and 300 s maximum,
 * keyed {@code <pod uid>_<image>}): the first failure waits 10 s, each further one twice the last,
 * at most 300 s; a key quiet for more than twice the maximum starts again at 10 s. Pure: the
 * caller passes the time. Not thread-safe (the callers hold their own lock).
 */
public final class PullBackOff {
  public static final Duration INITIAL = Duration.ofSeconds(10);
  public static final Duration MAX = Duration.ofSeconds(300);

  private record Entry(Duration backOff, Instant lastUpdate) {}

  private final Duration initial;
  private final Duration max;
  private final Map<String, Entry> entries = new HashMap<>();

  public PullBackOff() {
    this(INITIAL, MAX);
  }

  public PullBackOff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  /** Records a failed pull at {@code now}; returns the wait it starts. */
  public Duration failed(String key, Instant now) {
    Entry e = entries.get(key);
    Duration next;
    if (e == null || expired(e, now)) {
      next = initial;
    } else {
      Duration doubled = e.backOff().multipliedBy(2);
      next = doubled.compareTo(max) > 0 ? max : doubled;
    }
    entries.put(key, new Entry(next, now));
    return next;
  }

  /** Whether a pull of {@code key} must wait at {@code now} (kubelet's IsInBackOffSinceUpdate). */
  public boolean inBackOff(String key, Instant now) {
    Entry e = entries.get(key);
    return e != null && !expired(e, now) && Duration.between(e.lastUpdate(), now).compareTo(e.backOff()) < 0;
  }

  /** When the current wait of {@code key} ends, or null when it is not backing off. */
  public Instant until(String key, Instant now) {
    Entry e = entries.get(key);
    return e == null || !inBackOff(key, now) ? null : e.lastUpdate().plus(e.backOff());
  }

  /** The current wait of {@code key} (zero when none). */
  public Duration current(String key) {
    Entry e = entries.get(key);
    return e == null ? Duration.ZERO : e.backOff();
  }

  /** Forgets a key (its pod is gone). */
  public void forget(String key) {
    entries.remove(key);
  }

  /** Drops the keys that have been quiet long enough to start again (kubelet's GC after a good pull). */
  public void gc(Instant now) {
    entries.values().removeIf(e -> expired(e, now));
  }

  /** Forgets every key that starts with {@code prefix} (a pod's). */
  public void forgetPrefix(String prefix) {
    entries.keySet().removeIf(k -> k.startsWith(prefix));
  }

  private boolean expired(Entry e, Instant now) {
    return Duration.between(e.lastUpdate(), now).compareTo(max.multipliedBy(2)) > 0;
  }
}
