package dev.ordinal.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on 127.0.0.1 to a local port (TLS passes through it untouched) that, once told to,
 * lets only so many more bytes through towards its clients and holds the rest until released: a
 * download caught part-way, whatever the machine's speed, with no timing involved.
 */
final class HoldingProxy implements AutoCloseable {
  final int port;
  private final int target;
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long allowance = Long.MAX_VALUE; // bytes still let through to clients
  private boolean holding;
  private volatile boolean closed;

  HoldingProxy(int target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.port = server.getLocalPort();
    Thread.ofPlatform().daemon().name("proxy-accept").start(this::accept);
  }

  /** {@code 127.0.0.1:PORT}. */
  String host() {
    return "127.0.0.1:" + port;
  }

  /** From now on, lets {@code bytes} more through to the clients, then holds. */
  void holdAfter(long bytes) {
    lock.lock();
    try {
      allowance = bytes;
      holding = false;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the proxy holds bytes back (a client is waiting for them). */
  void awaitHolding(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!holding) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("the proxy held nothing back within " + timeout);
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Lets everything through again. */
  void release() {
    lock.lock();
    try {
      allowance = Long.MAX_VALUE;
      holding = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(upstream);
        Thread.ofPlatform().daemon().name("proxy-up").start(() -> pump(client, upstream, false));
        Thread.ofPlatform().daemon().name("proxy-down").start(() -> pump(upstream, client, true));
      } catch (IOException e) {
        // closed, or the target refused: the client sees its connection end
      }
    }
  }

  /** Copies one direction; towards the client ({@code metered}) within the allowance. Either side ending ends both. */
  private void pump(Socket from, Socket to, boolean metered) {
    byte[] buf = new byte[16 << 10];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        int off = 0;
        while (off < n) {
          int chunk = metered ? take(n - off, to) : n - off;
          out.write(buf, off, chunk);
          off += chunk;
        }
      }
    } catch (IOException | InterruptedException e) {
      // one side went away (a killed client, say): the other goes too
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** How many of {@code wanted} bytes may go now: waits while the allowance is spent. */
  private int take(int wanted, Socket to) throws InterruptedException, IOException {
    lock.lock();
    try {
      while (allowance == 0) {
        if (!holding) {
          holding = true;
          changed.signalAll();
        }
        changed.await(100, TimeUnit.MILLISECONDS);
        if (closed || to.isClosed()) {
          throw new IOException("closed");
        }
      }
      int n = (int) Math.min(wanted, allowance);
      if (allowance != Long.MAX_VALUE) {
        allowance -= n;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  private static void closeQuietly(java.io.Closeable s) {
    try {
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public void close() {
    closed = true;
    release();
    closeQuietly(server);
    sockets.forEach(HoldingProxy::closeQuietly);
  }
}
