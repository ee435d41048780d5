package dev.ordinal.controllers.leaderelection;

import java.time.Duration;
import java.time.Instant;

/**
 * One step of client-go's leader election, pure: from the Lease as last read, when this candidate
 * saw it change, whether it leads and when it last renewed, what it does now.
 *
 * <p>Expiry is measured on the candidate's own clock from when it <em>observed</em> the record
 * change (client-go's observedTime), never from the holder's renewTime, so clocks that disagree
 * cannot make two leaders. What keeps one leader is the gap between the renew deadline (10 s: a
 * leader that has not renewed for that long stops acting) and the lease duration (15 s: only then
 * may another take the Lease).
 */
public final class LeaderElectionPlanner {

  /** The three durations of kube-controller-manager's and kube-scheduler's --leader-elect-* flags. */
  public record Config(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    public static final Config UPSTREAM = new Config(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

    public Config {
      if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
        throw new IllegalArgumentException("need retryPeriod < renewDeadline < leaseDuration");
      }
    }
  }

  /** What the candidate does. */
  public enum Action {
    /** No Lease yet: create it holding it. */
    CREATE,
    /** The Lease is free or expired: take it (a new holder, one more transition). */
    ACQUIRE,
    /** This candidate holds it: write a fresh renewTime. */
    RENEW,
    /** Another holds it and it has not expired: look again later. */
    WAIT,
    /** This candidate was leading but may not any more: stop acting, then go on as a candidate. */
    STEP_DOWN
  }

  /**
   * @param write the record to write (CREATE, ACQUIRE, RENEW), compared on the Lease's resourceVersion; else null
   * @param next how long until the next step
   */
  public record Decision(Action action, LeaseRecord write, Duration next) {}

  private LeaderElectionPlanner() {}

  /**
   * @param current the Lease's record, or null when there is no Lease
   * @param observedAt when this candidate first read {@code current} as it is (its own clock)
   * @param leading whether this candidate is acting as the leader
   * @param lastRenewed when it last wrote the Lease successfully (meaningful while leading)
   */
  public static Decision plan(LeaseRecord current, Instant observedAt, String identity, boolean leading, Instant lastRenewed,
      Instant now, Config config) {
    if (leading && Duration.between(lastRenewed, now).compareTo(config.renewDeadline()) > 0) {
      return new Decision(Action.STEP_DOWN, null, Duration.ZERO);
    }
    int seconds = (int) config.leaseDuration().toSeconds();
    if (current == null) {
      return new Decision(Action.CREATE, new LeaseRecord(identity, now, now, seconds, 0), config.retryPeriod());
    }
    if (current.holder().equals(identity)) {
      return new Decision(Action.RENEW, new LeaseRecord(identity, current.acquireTime(), now, seconds, current.transitions()),
          config.retryPeriod());
    }
    Instant expiry = observedAt.plusSeconds(Math.max(current.durationSeconds(), 1));
    if (!current.holder().isEmpty() && now.isBefore(expiry)) {
      if (leading) {
        return new Decision(Action.STEP_DOWN, null, Duration.ZERO);
      }
      // wake at the expiry itself when it comes before the next retry: a takeover is not late by a retry period
      Duration untilExpiry = Duration.between(now, expiry).plusMillis(1);
      return new Decision(Action.WAIT, null, untilExpiry.compareTo(config.retryPeriod()) < 0 ? untilExpiry : config.retryPeriod());
    }
    return new Decision(Action.ACQUIRE, new LeaseRecord(identity, now, now, seconds, current.transitions() + 1), config.retryPeriod());
  }
}
