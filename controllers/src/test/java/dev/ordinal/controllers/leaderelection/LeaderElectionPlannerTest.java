package dev.ordinal.controllers.leaderelection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ordinal.controllers.leaderelection.LeaderElectionPlanner.Action;
import dev.ordinal.controllers.leaderelection.LeaderElectionPlanner.Config;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LeaderElectionPlannerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String ME = "host-a_1";

  private static Instant at(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000));
  }

  private static LeaseRecord held(String holder, double renewedAt) {
    return new LeaseRecord(holder, T0, at(renewedAt), 15, 3);
  }

  /** name, lease, observed at, leading, last renewed, now → action, next (seconds; negative: not checked). */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no lease: create it", null, T0, false, T0, at(1), Action.CREATE, 2.0),
        Arguments.of("held by another, fresh: wait a retry period", held("b", 0), at(0), false, T0, at(5), Action.WAIT, 2.0),
        Arguments.of("held by another, expiring before the next retry: wake at the expiry", held("b", 0), at(0), false, T0, at(14),
            Action.WAIT, 1.001),
        Arguments.of("held by another, observed 15 s ago: take it", held("b", 0), at(0), false, T0, at(15.001), Action.ACQUIRE, 2.0),
        Arguments.of("the holder's renewTime is old but the change was seen late: still wait (own clock)", held("b", -100), at(0),
            false, T0, at(10), Action.WAIT, 2.0),
        Arguments.of("released (no holder): take it at once", held("", 0), at(0), false, T0, at(0.5), Action.ACQUIRE, 2.0),
        Arguments.of("held by me: renew", held(ME, 0), at(0), true, at(0), at(2), Action.RENEW, 2.0),
        Arguments.of("held by me after a restart with my identity: renew", held(ME, 0), at(0), false, T0, at(2), Action.RENEW, 2.0),
        Arguments.of("leading, not renewed for more than the deadline: step down", held(ME, 0), at(0), true, at(0), at(10.5),
            Action.STEP_DOWN, 0.0),
        Arguments.of("leading, renewed 9 s ago: renew", held(ME, 0), at(0), true, at(0), at(9), Action.RENEW, 2.0),
        Arguments.of("leading but another holds it now: step down", held("b", 3), at(3), true, at(2), at(4), Action.STEP_DOWN, 0.0),
        Arguments.of("leading, another's lease expired: take it back", held("b", 3), at(3), true, at(19), at(19), Action.ACQUIRE, 2.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plan(String name, LeaseRecord lease, Instant observedAt, boolean leading, Instant lastRenewed, Instant now, Action action,
      double next) {
    var d = LeaderElectionPlanner.plan(lease, observedAt, ME, leading, lastRenewed, now, Config.UPSTREAM);
    assertEquals(action, d.action());
    assertEquals(Duration.ofMillis(Math.round(next * 1000)), d.next());
    switch (action) {
      case CREATE -> assertEquals(new LeaseRecord(ME, now, now, 15, 0), d.write());
      case ACQUIRE -> assertEquals(new LeaseRecord(ME, now, now, 15, lease.transitions() + 1), d.write());
      case RENEW -> assertEquals(new LeaseRecord(ME, lease.acquireTime(), now, 15, lease.transitions()), d.write());
      default -> assertNull(d.write());
    }
  }
}
