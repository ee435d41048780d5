package dev.ordinal.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

  @Test
  void aWaitingKeyIsQueuedOnce() throws Exception {
    WorkQueue<String> q = new WorkQueue<>();
    q.add("a");
    q.add("a");
    q.add("b");
    assertThat(q.length()).isEqualTo(2);
    assertThat(q.take()).isEqualTo("a");
    assertThat(q.take()).isEqualTo("b");
  }

  @Test
  void aKeyAddedWhileProcessingComesBackAfterDone() throws Exception {
    WorkQueue<String> q = new WorkQueue<>();
    q.add("a");
    assertThat(q.take()).isEqualTo("a");
    q.add("a");
    assertThat(q.length()).isZero();
    q.done("a");
    assertThat(q.length()).isEqualTo(1);
  }

  @Test
  void delayedKeysArriveLater() throws Exception {
    WorkQueue<String> q = new WorkQueue<>();
    q.addAfter("later", Duration.ofMillis(50));
    long start = System.nanoTime();
    assertThat(q.take()).isEqualTo("later");
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(40).toNanos());
  }

  @Test
  void addsDuringACoolDownAreFoldedIntoOnePass() throws Exception {
    WorkQueue<String> q = new WorkQueue<>();
    q.add("a");
    assertThat(q.take()).isEqualTo("a");
    q.add("a");
    q.done("a", Duration.ofMillis(200));
    q.add("a");
    q.add("a");
    assertThat(q.length()).as("held back while cooling down").isZero();
    assertThat(q.take()).isEqualTo("a");
    q.done("a");
    assertThat(q.length()).as("the adds were folded into that pass").isZero();
  }

  @Test
  void aKeyNotAddedDuringItsPassHasNoCoolDown() throws Exception {
    WorkQueue<String> q = new WorkQueue<>();
    q.add("a");
    assertThat(q.take()).isEqualTo("a");
    q.done("a", Duration.ofMillis(200));
    q.add("a");
    assertThat(q.length()).isEqualTo(1);
  }

  @Test
  void shutdownReleasesTakers() throws Exception {
    WorkQueue<String> q = new WorkQueue<>();
    q.shutdown();
    assertThat(q.take()).isNull();
  }
}
