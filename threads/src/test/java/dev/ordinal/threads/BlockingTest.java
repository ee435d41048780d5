package dev.ordinal.threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BlockingTest {
  @Test
  void aCallFromAVirtualThreadRunsOnAPlatformThread() throws Exception {
    AtomicReference<Boolean> ranVirtual = new AtomicReference<>();
    Thread t = Thread.ofVirtual().start(() -> ranVirtual.set(Blocking.call(() -> Thread.currentThread().isVirtual())));
    t.join();
    assertThat(ranVirtual.get()).isFalse();
  }

  @Test
  void aCallFromAPlatformThreadRunsInline() {
    Thread caller = Thread.currentThread();
    assertThat(Blocking.call(Thread::currentThread)).isSameAs(caller);
  }

  @Test
  void theCallsOwnExceptionReachesTheCaller() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        Blocking.run(() -> {
          throw new IOException("disk on fire");
        });
      } catch (IOException e) {
        thrown.set(e);
      }
    });
    t.join();
    assertThat(thrown.get()).isInstanceOf(IOException.class).hasMessage("disk on fire");
    assertThatThrownBy(() -> Blocking.call(() -> {
      throw new IllegalStateException("inline");
    })).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anInterruptDuringAnUninterruptibleCallIsKeptForTheCaller() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    Thread t = Thread.ofVirtual().start(() -> {
      Blocking.call(() -> {
        started.countDown();
        java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        return null;
      });
      interruptedAfter.set(Thread.currentThread().isInterrupted());
    });
    started.await();
    t.interrupt();
    t.join();
    assertThat(interruptedAfter).isTrue();
  }

  @Test
  void anInterruptibleCallIsInterruptedWithItsCaller() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean callInterrupted = new AtomicBoolean();
    AtomicBoolean callerSawIt = new AtomicBoolean();
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        Blocking.callInterruptibly(() -> {
          started.countDown();
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            callInterrupted.set(true);
          }
          return null;
        });
      } catch (InterruptedException e) {
        callerSawIt.set(true);
      }
    });
    started.await();
    t.interrupt();
    t.join(5_000);
    assertThat(callerSawIt).isTrue();
    org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).untilTrue(callInterrupted);
  }

  /**
   * The failure this class exists for: more blocked native reads than there are carriers. Each
   * reader waits on a pipe no one writes to; a virtual thread started afterwards must still run.
   */
  @Test
  void blockedReadsLeaveTheCarriersFree() throws Exception {
    int readers = Runtime.getRuntime().availableProcessors() * 4;
    List<Process> processes = new ArrayList<>();
    try {
      for (int i = 0; i < readers; i++) {
        Process p = new ProcessBuilder("sleep", "30").start();
        processes.add(p);
        InputStream out = p.getInputStream();
        Thread.ofVirtual().start(() -> {
          try {
            Blocking.call(out::read);
          } catch (IOException e) {
            // the process was killed
          }
        });
      }
      CompletableFuture<String> other = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> other.complete("ran"));
      assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("ran");
      assertThat(Blocking.async("async-test", () -> {}).get(5, TimeUnit.SECONDS)).isNull();
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
  }
}
