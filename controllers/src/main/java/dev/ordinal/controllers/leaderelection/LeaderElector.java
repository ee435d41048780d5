package dev.ordinal.controllers.leaderelection;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link LeaderElectionPlanner} to one Lease through the API: every write carries the
 * resourceVersion it was planned from, so of two candidates taking an expired Lease one gets a
 * 409 and stays a candidate. While it leads, the components behind {@link Leading} run; they are
 * stopped when the Lease is lost or not renewed within the renew deadline. A watchdog thread checks
 * the deadline every 250 ms on its own, so a renewal stuck in a slow request cannot keep the
 * components running past it.
 *
 * <p>Starting and stopping the components happens on one platform thread of the elector's, in
 * order, so a slow start never delays a renewal.
 *
 * <p>Besides its reads every retry period, a candidate watches the Lease, so it observes each
 * renewal when it is written rather than up to a retry period later: the 15 s it waits are then
 * counted from the leader's last renewal itself, and a takeover comes no later than 15 s after a
 * leader dies. The safety margin is unchanged: the leader counts its deadline from before its
 * write, the candidate its wait from after that write was seen.
 */
public final class LeaderElector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderElector.class);

  /** What runs only while leading; {@code stop} is called once for each {@code start}. */
  public interface Leading {
    void start();

    void stop();
  }

  private final Client client;
  private final String namespace;
  private final String name;
  private final String identity;
  private final LeaderElectionPlanner.Config config;
  private final Leading leading;
  private final Clock clock;
  private final ExecutorService callbacks;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean leader;
  private Instant lastRenewed = Instant.EPOCH;
  private LeaseRecord observed;
  private Instant observedAt = Instant.EPOCH;
  private volatile boolean closed;
  private Thread loop;
  private Thread watchdog;
  private Thread leaseWatch;

  public LeaderElector(Client client, String namespace, String name, String identity, LeaderElectionPlanner.Config config,
      Leading leading) {
    this(client, namespace, name, identity, config, leading, Clock.systemUTC());
  }

  LeaderElector(Client client, String namespace, String name, String identity, LeaderElectionPlanner.Config config, Leading leading,
      Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.identity = identity;
    this.config = config;
    this.leading = leading;
    this.clock = clock;
    this.callbacks = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("leading-" + name).daemon().factory());
  }

  public void start() {
    loop = Thread.ofVirtual().name("leader-election-" + name).start(this::run);
    watchdog = Thread.ofPlatform().name("leader-deadline-" + name).daemon().start(this::watch);
    leaseWatch = Thread.ofVirtual().name("lease-watch-" + name).start(this::watchLease);
  }

  /** Records a read of the Lease: a changed record restarts the wait for its expiry. */
  private void observe(LeaseRecord current, Instant now) {
    lock.lock();
    try {
      if (current == null || !current.equals(observed)) {
        observed = current;
        observedAt = now;
      }
    } finally {
      lock.unlock();
    }
  }

  private void watchLease() {
    var options = new dev.ordinal.apiserver.registry.ListOptions("", "metadata.name=" + name, "", 0, "", false, 0);
    while (!closed) {
      try (dev.ordinal.client.Watch w = client.watch(Types.LEASES, namespace, options)) {
        while (!closed) {
          dev.ordinal.client.Watch.Event e = w.next(1, TimeUnit.SECONDS);
          if (e != null && (e.type().equals("ADDED") || e.type().equals("MODIFIED"))) {
            observe(LeaseRecord.of(e.object()), clock.instant());
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the watch ended or the API is unreachable: the reads every retry period go on; watch again after one
        if (!sleep(config.retryPeriod())) {
          return;
        }
      }
    }
  }

  public String identity() {
    return identity;
  }

  public boolean isLeader() {
    lock.lock();
    try {
      return leader;
    } finally {
      lock.unlock();
    }
  }

  /** When this candidate last saw the Lease change (for tests). */
  Instant observedAt() {
    lock.lock();
    try {
      return observedAt;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until this candidate leads, or the timeout passes. */
  public boolean awaitLeading(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!leader) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (!closed) {
      Duration next;
      try {
        next = step();
      } catch (ApiException e) {
        // a conflict (another candidate wrote first) or an unreachable store: read again at the next retry
        log.debug("lease {}/{}: {}", namespace, name, e.getMessage());
        next = config.retryPeriod();
      } catch (RuntimeException e) {
        log.warn("lease {}/{}: {}", namespace, name, e.toString());
        next = config.retryPeriod();
      }
      if (!sleep(next)) {
        return;
      }
    }
  }

  private boolean sleep(Duration d) {
    try {
      Thread.sleep(Math.max(d.toMillis(), 1));
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /** One read, one plan, at most one write. */
  Duration step() {
    ObjectNode lease = client.find(Types.LEASES, namespace, name).orElse(null);
    LeaseRecord current = lease == null ? null : LeaseRecord.of(lease);
    Instant now = clock.instant();
    boolean isLeader;
    Instant renewed;
    Instant seenAt;
    observe(current, now);
    lock.lock();
    try {
      isLeader = leader;
      renewed = lastRenewed;
      seenAt = observedAt;
    } finally {
      lock.unlock();
    }
    LeaderElectionPlanner.Decision d = LeaderElectionPlanner.plan(current, seenAt, identity, isLeader, renewed, now, config);
    switch (d.action()) {
      case WAIT -> {
        return d.next();
      }
      case STEP_DOWN -> {
        stepDown("lost the lease to " + (current == null ? "nobody" : current.holder()));
        return config.retryPeriod();
      }
      case CREATE -> {
        ObjectNode fresh = Json.object().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
        fresh.putObject("metadata").put("name", name).put("namespace", namespace);
        d.write().writeTo(fresh);
        client.create(Types.LEASES, namespace, fresh);
      }
      case ACQUIRE, RENEW -> {
        d.write().writeTo(lease); // lease carries the resourceVersion read: a write after another's is a 409
        client.update(Types.LEASES, lease);
      }
    }
    becomeLeader(now, d.action());
    return d.next();
  }

  private void becomeLeader(Instant renewedAt, LeaderElectionPlanner.Action how) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      if (Duration.between(renewedAt, clock.instant()).compareTo(config.renewDeadline()) > 0) {
        return; // the write took longer than the deadline: too late to act on; the next step decides again
      }
      lastRenewed = renewedAt;
      if (leader) {
        return;
      }
      leader = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    log.info("{} leads {}/{} ({})", identity, namespace, name, how);
    callbacks.execute(leading::start);
  }

  private void stepDown(String why) {
    lock.lock();
    try {
      if (!leader) {
        return;
      }
      leader = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    log.warn("{} stops leading {}/{}: {}", identity, namespace, name, why);
    callbacks.execute(leading::stop);
  }

  private void watch() {
    while (!closed) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
      boolean late;
      lock.lock();
      try {
        late = leader && Duration.between(lastRenewed, clock.instant()).compareTo(config.renewDeadline()) > 0;
      } finally {
        lock.unlock();
      }
      if (late) {
        stepDown("not renewed within " + config.renewDeadline().toSeconds() + " s");
      }
    }
  }

  /** Stops; a leader stops its components and, when {@code release}, frees the Lease for the next candidate at once. */
  public void close(boolean release) {
    boolean wasLeader;
    lock.lock();
    try {
      closed = true;
      wasLeader = leader;
      leader = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (loop != null) {
      loop.interrupt();
    }
    if (watchdog != null) {
      watchdog.interrupt();
    }
    if (leaseWatch != null) {
      leaseWatch.interrupt();
    }
    if (wasLeader) {
      callbacks.execute(leading::stop);
    }
    callbacks.shutdown();
    try {
      callbacks.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (wasLeader && release) {
      try {
        ObjectNode lease = client.get(Types.LEASES, namespace, name);
        if (LeaseRecord.of(lease).holder().equals(identity)) {
          // client-go's ReleaseOnCancel: no holder, a one-second duration
          Instant now = clock.instant();
          new LeaseRecord("", now, now, 1, LeaseRecord.of(lease).transitions()).writeTo(lease);
          client.update(Types.LEASES, lease);
        }
      } catch (RuntimeException e) {
        log.debug("releasing lease {}/{}: {}", namespace, name, e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    close(true);
  }
}
