package dev.ordinal.storage.etcd;

import static dev.ordinal.storage.StorageContract.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.storage.KeyValue;
import dev.ordinal.storage.WatchEvent;
import dev.ordinal.storage.WatchSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** A 3-member etcd on loopback: a member's loss and a restart of all of them, seen by the store. */
class EtcdClusterIT {

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30s");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void writesGoOnWhenAMemberDiesAndWatchesResumeAfterAFullRestartWithNothingLost() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(LocalEtcd.available(), "needs Debian's etcd-server (" + LocalEtcd.BINARY + ")");
    try (LocalEtcd etcd = LocalEtcd.start(3); EtcdStorage storage = EtcdStorage.open(etcd.config())) {
      List<WatchEvent> events = new CopyOnWriteArrayList<>();
      List<Long> progress = new CopyOnWriteArrayList<>();
      long start = storage.currentRevision();
      AutoCloseable watch = storage.watch("/registry/", start, new WatchSink() {
        @Override
        public void accept(WatchEvent e) {
          events.add(e);
        }

        @Override
        public void progress(long revision) {
          progress.add(revision);
        }
      });
      for (int i = 0; i < 20; i++) {
        storage.create("/registry/a/" + i, bytes("v"));
      }

      // the first endpoint (the one the store prefers) dies: writes move to the others
      etcd.killMember(0);
      // a write in flight while the dead member was the leader times out in etcd itself ("possibly due to
      // previous leader failure"), and is not sent again since it may have been applied: once the two left
      // have elected a leader (a second or two; longer on a loaded machine), writes go on
      etcd.awaitHealthy(Duration.ofSeconds(30));
      for (int i = 20; i < 40; i++) {
        storage.create("/registry/a/" + i, bytes("v"));
      }
      KeyValue updated = storage.update("/registry/a/3", bytes("w"), storage.get("/registry/a/3").orElseThrow().modRevision());
      await(() -> events.size() == 41);

      // every member stops, then all come back on their data
      etcd.killMember(1);
      etcd.killMember(2);
      for (int i = 0; i < 3; i++) {
        etcd.startMember(i);
      }
      etcd.awaitHealthy(Duration.ofSeconds(30));
      for (int i = 40; i < 50; i++) {
        storage.create("/registry/a/" + i, bytes("v"));
      }
      await(() -> events.size() == 51);
      // a write outside the watched keys is reported as progress when asked for
      storage.create("/elsewhere", bytes("x"));
      long outside = storage.currentRevision();
      storage.requestProgress();
      await(() -> progress.stream().anyMatch(r -> r >= outside));
      watch.close();

      List<Long> revisions = events.stream().map(WatchEvent::revision).toList();
      assertThat(revisions).isSorted().doesNotHaveDuplicates();
      assertThat(events.stream().map(e -> e.kv().key()).distinct().count()).isEqualTo(50);
      assertThat(revisions).contains(updated.modRevision());
      assertThat(storage.list("/registry/", 0).items()).hasSize(50);
    }
  }
}
