package dev.ordinal.controllers.leaderelection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.client.Client;
import dev.ordinal.client.InProcessClient;
import dev.ordinal.client.Types;
import dev.ordinal.storage.SqliteStorage;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three candidates on one API (short durations: 3 s lease, 2 s deadline, 0.5 s retry): one leads at a time, whatever happens to it. */
class LeaderElectorIT {
  private static final LeaderElectionPlanner.Config FAST = new LeaderElectionPlanner.Config(Duration.ofSeconds(3), Duration.ofSeconds(2),
      Duration.ofMillis(500));
  @TempDir Path dir;

  /** Counts how many candidates are acting at once, and the most ever. */
  private static final class Acting {
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();

    LeaderElector.Leading leading() {
      return new LeaderElector.Leading() {
        @Override
        public void start() {
          most.accumulateAndGet(now.incrementAndGet(), Math::max);
        }

        @Override
        public void stop() {
          now.decrementAndGet();
        }
      };
    }
  }

  /** A client that answers 503 to everything while {@code down} is set: a candidate cut off from the API. */
  private static Client cutOff(Client real, AtomicBoolean down) {
    return (Client) Proxy.newProxyInstance(Client.class.getClassLoader(), new Class<?>[] {Client.class}, (p, m, args) -> {
      if (down.get() && !m.isDefault()) {
        throw new ApiException(503, "ServiceUnavailable", "cut off", null);
      }
      try {
        return m.isDefault() ? java.lang.reflect.InvocationHandler.invokeDefault(p, m, args) : m.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }

  private static LeaderElector leader(List<LeaderElector> all) {
    List<LeaderElector> leading = all.stream().filter(LeaderElector::isLeader).toList();
    assertThat(leading).hasSizeLessThanOrEqualTo(1);
    return leading.isEmpty() ? null : leading.getFirst();
  }

  @Test
  void oneLeadsAndAnotherTakesOverWhenItStopsOrIsCutOff() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db")); Registry registry = new Registry(ResourceCatalog.standard(), storage)) {
      registry.start();
      Client client = new InProcessClient(registry);
      ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
      ns.putObject("metadata").put("name", "kube-system");
      client.create(Types.NAMESPACES, null, ns);
      Acting acting = new Acting();
      List<AtomicBoolean> down = new ArrayList<>();
      List<LeaderElector> all = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        down.add(new AtomicBoolean());
        all.add(new LeaderElector(cutOff(client, down.get(i)), "kube-system", "test-lease", "candidate-" + i, FAST, acting.leading()));
      }
      all.forEach(LeaderElector::start);
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> leader(all) != null);
        LeaderElector first = leader(all);
        assertThat(LeaseRecord.of(client.get(Types.LEASES, "kube-system", "test-lease")).holder()).isEqualTo(first.identity());
        Thread.sleep(2_000); // renewals keep it
        assertThat(leader(all)).isSameAs(first);

        // cut off from the API: it stops acting after the renew deadline, another takes over after the lease duration
        down.get(all.indexOf(first)).set(true);
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(4)).until(() -> !first.isLeader());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2_900));
        await().atMost(Duration.ofSeconds(8)).until(() -> leader(all) != null);
        LeaderElector second = leader(all);
        assertThat(second).isNotSameAs(first);
        LeaseRecord taken = LeaseRecord.of(client.get(Types.LEASES, "kube-system", "test-lease"));
        assertThat(taken.holder()).isEqualTo(second.identity());
        assertThat(taken.transitions()).isEqualTo(1);
        // back in touch, the first stays a candidate
        down.get(all.indexOf(first)).set(false);
        Thread.sleep(1_500);
        assertThat(leader(all)).isSameAs(second);

        // a leader that stops and releases hands over at once
        second.close(true);
        long t1 = System.nanoTime();
        await().atMost(Duration.ofSeconds(3)).until(() -> leader(all) != null);
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofMillis(1_500));
        assertThat(acting.most.get()).isEqualTo(1);
      } finally {
        all.forEach(e -> e.close(false));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> acting.now.get() == 0);
    }
  }

  @Test
  void candidateSeesEachRenewalAsItIsWrittenNotAtItsNextRead() throws Exception {
    // a retry period of 3 s: reads alone would see a renewal up to 3 s late
    LeaderElectionPlanner.Config slow = new LeaderElectionPlanner.Config(Duration.ofSeconds(8), Duration.ofSeconds(5),
        Duration.ofSeconds(3));
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db")); Registry registry = new Registry(ResourceCatalog.standard(), storage)) {
      registry.start();
      Client client = new InProcessClient(registry);
      ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
      ns.putObject("metadata").put("name", "kube-system");
      client.create(Types.NAMESPACES, null, ns);
      Acting acting = new Acting();
      LeaderElector first = new LeaderElector(client, "kube-system", "watched", "first", slow, acting.leading());
      first.start();
      LeaderElector second = null;
      try {
        await().atMost(Duration.ofSeconds(10)).until(first::isLeader);
        // half a retry period out of step with the leader's renewals, so the follower's own reads come late
        Thread.sleep(1_500);
        second = new LeaderElector(client, "kube-system", "watched", "second", slow, acting.leading());
        second.start();
        for (int i = 0; i < 3; i++) {
          LeaseRecord before = LeaseRecord.of(client.get(Types.LEASES, "kube-system", "watched"));
          LeaderElector follower = second;
          await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
              .until(() -> !LeaseRecord.of(client.get(Types.LEASES, "kube-system", "watched")).renewTime().equals(before.renewTime()));
          LeaseRecord renewed = LeaseRecord.of(client.get(Types.LEASES, "kube-system", "watched"));
          await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
              .until(() -> !follower.observedAt().isBefore(renewed.renewTime()));
          assertThat(Duration.between(renewed.renewTime(), second.observedAt())).isLessThan(Duration.ofMillis(300));
        }
        assertThat(second.isLeader()).isFalse();
      } finally {
        first.close(false);
        if (second != null) {
          second.close(false);
        }
      }
    }
  }
}
