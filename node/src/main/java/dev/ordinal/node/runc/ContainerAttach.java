package dev.ordinal.node.runc;

import dev.ordinal.apiserver.nodes.ExecTerminal;
import dev.ordinal.apiserver.nodes.PodExec;
import dev.ordinal.threads.Blocking;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attach to a container's own process ({@code kubectl attach}, {@code kubectl run -it}), as
 * conmon offers it to a container started with {@code --stdin} (and {@code --terminal}):
 * <ul>
 *   <li>What the client types goes to conmon's attach socket ({@code <socket-dir>/<id>/attach}), a
 *       SOCK_SEQPACKET unix socket, as raw bytes; when the client's stdin ends, the socket is shut
 *       for writing and conmon closes the process's stdin (unless started with
 *       {@code --leave-stdin-open}, which a container without {@code stdinOnce} is).
 *   <li>What the process prints is read from its CRI log, which conmon writes before it copies the
 *       same bytes to attached sockets. The socket's copy comes as packets of one stream-id byte
 *       (2 stdout, 3 stderr) and the data, but through a bridge process's pipe the packet edges are
 *       lost and the id bytes cannot be told from the data; the log keeps each entry's stream and,
 *       with its partial (P) entries, every byte exactly, prompts without a newline included. The
 *       socket's copy is still read, so that conmon never blocks on a full socket, and each packet
 *       wakes the log reader at once (it also looks every 50 ms).
 *   <li>The terminal's size goes to conmon's {@code ctl} FIFO in the bundle as
 *       {@code 1 <rows> <columns>\n} (conmon's window-resize message; 2 reopens the logs).
 * </ul>
 * The JDK's unix sockets are SOCK_STREAM only, so {@code socat} is the bridge to the SEQPACKET
 * socket (socket type 5); it runs as a child process with its pipes copied on platform threads.
 */
final class ContainerAttach {
  private static final Logger log = LoggerFactory.getLogger(ContainerAttach.class);
  private static final long POLL_MILLIS = 50;

  /** Where one container's attach endpoints are. */
  record Endpoints(String id, Path socketLink, Path ctl, Path log) {}

  private ContainerAttach() {}

  /**
   * Attaches until the process ends (then after its last output) or the calling thread is
   * interrupted (the client went away).
   *
   * @param stdin what the client types, or null to attach without stdin
   * @param stdout where the process's stdout goes (its terminal's output, with one), or null
   * @param stderr where its stderr goes, or null
   * @param terminal the client's terminal, or null
   * @param exited whether the process has ended
   * @throws IOException when conmon's attach socket cannot be reached
   */
  static void attach(Endpoints at, InputStream stdin, OutputStream stdout, OutputStream stderr, ExecTerminal terminal,
      BooleanSupplier exited) throws IOException {
    if (terminal != null) {
      terminal.onResize(s -> resize(at, s)); // the current size at once, then each new one
    }
    long from = Files.size(at.log());
    // relative to the socket's directory: the full path can be longer than a unix socket address may be
    ProcessBuilder pb = new ProcessBuilder("socat", "-b", "65536", "-t", "86400", "-", "UNIX-CONNECT:attach,type=5")
        .directory(at.socketLink().toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
    Process socat = Blocking.call(pb::start);
    Semaphore wake = new Semaphore(0);
    // cancelling the follower's future does not interrupt its thread: it looks at this instead
    java.util.concurrent.atomic.AtomicBoolean over = new java.util.concurrent.atomic.AtomicBoolean();
    Thread in = Blocking.start("attach-stdin-" + at.id(), () -> feed(stdin, socat.getOutputStream()));
    Blocking.start("attach-socket-" + at.id(), () -> drain(socat.getInputStream(), wake));
    CompletableFuture<Void> out = Blocking.async("attach-log-" + at.id(),
        () -> follow(at.log(), from, stdout, stderr, socat, wake, () -> over.get() || exited.getAsBoolean()));
    try {
      out.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IOException("attach failed: " + e.getCause().getMessage());
    } finally {
      over.set(true);
      wake.release();
      in.interrupt();
      socat.destroy();
      forgetTerminal(terminal);
    }
  }

  private static void forgetTerminal(ExecTerminal terminal) {
    if (terminal != null) {
      terminal.onResize(null);
    }
  }

  /**
   * Copies the log's new entries to the client until {@code done} (the process has ended, or the
   * session is over) and the last output is out.
   */
  private static void follow(Path logFile, long from, OutputStream stdout, OutputStream stderr, Process socat, Semaphore wake,
      BooleanSupplier done) {
    CriLogFrames frames = new CriLogFrames();
    byte[] buf = new byte[32 * 1024];
    long pos = from;
    long socatGone = 0;
    try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
      while (true) {
        boolean ended = done.getAsBoolean(); // before the read: the read then has everything it wrote
        f.seek(pos);
        for (int n; (n = f.read(buf)) > 0; pos += n) {
          for (CriLogFrames.Chunk c : frames.feed(buf, n)) {
            OutputStream to = c.stderr() ? stderr : stdout;
            if (to != null) {
              to.write(c.data());
              to.flush();
            }
          }
        }
        if (ended) {
          return;
        }
        if (!socat.isAlive()) {
          // conmon closed the socket: the process is ending, or the socket was never there
          if (socatGone == 0) {
            socatGone = System.nanoTime();
          } else if (System.nanoTime() - socatGone > TimeUnit.SECONDS.toNanos(2)) {
            throw new IllegalStateException("the container's attach socket closed (socat exited " + socat.exitValue() + ")");
          }
        }
        wake.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS);
        wake.drainPermits();
      }
    } catch (IOException e) {
      log.debug("attach: client gone or log unreadable: {}", e.getMessage());
    } catch (InterruptedException e) {
      // the session ended
    }
  }

  /** Reads (and drops) conmon's copies of the output, each one a sign that the log has grown. */
  private static void drain(InputStream from, Semaphore wake) {
    byte[] buf = new byte[65536];
    try (from) {
      while (from.read(buf) >= 0) {
        wake.release();
      }
    } catch (IOException e) {
      // socat ended
    }
  }

  /** Copies what the client types to the socket as it comes; the end of it shuts the socket for writing. */
  private static void feed(InputStream from, OutputStream to) {
    if (from == null) {
      return; // socat's stdin stays open (no shutdown, so conmon keeps the process's stdin) until it is stopped
    }
    try (to) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = from.read(buf)) >= 0) {
        to.write(buf, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      // socat ended
    }
  }

  private static void resize(Path ctl, PodExec.TerminalSize size) {
    // conmon keeps a reader (and a writer) open on the FIFO, so opening it for writing does not block
    try {
      Blocking.run(() -> Files.writeString(ctl, "1 " + size.rows() + " " + size.columns() + "\n", StandardCharsets.US_ASCII,
          java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.APPEND));
    } catch (IOException e) {
      log.debug("resizing an attached terminal failed: {}", e.getMessage());
    }
  }

  private static void resize(Endpoints at, PodExec.TerminalSize size) {
    resize(at.ctl(), size);
  }

  static List<String> conmonArgs(boolean stdin, boolean stdinOnce, boolean tty) {
    List<String> args = new java.util.ArrayList<>();
    if (stdin) {
      args.add("--stdin");
      if (!stdinOnce) {
        args.add("--leave-stdin-open"); // later attaches find stdin still open
      }
    }
    if (tty) {
      args.add("--terminal");
    }
    return args;
  }
}
