package dev.ordinal.apiserver.nodes;

import dev.ordinal.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code kubectl exec} or {@code kubectl attach} session: runs the command through the node's
 * {@link PodExec}, or attaches through its {@link PodAttach}, and carries the streams over the
 * WebSocket in the channel protocol, ending with the status message and a normal close.
 */
public final class ExecSocket implements Session.Listener.AutoDemanding {
  private static final Logger log = LoggerFactory.getLogger(ExecSocket.class);

  /** What a session does with the client's streams: runs a command, or attaches to the container's process. */
  interface Streams {
    /**
     * Runs to the end, with null for each stream the client did not ask for.
     *
     * @return the exit code for the status message (0 for Success)
     */
    int run(InputStream stdin, OutputStream stdout, OutputStream stderr, ExecTerminal terminal) throws IOException;
  }

  /**
   * What the session does and which streams the client asked for; {@code endsWithClient} when the
   * client going away ends it (an attach: the container's process goes on), where an exec'd command
   * is left to finish with its stdin closed.
   */
  record Target(String name, Streams streams, boolean stdin, boolean stdout, boolean stderr, boolean tty,
      boolean endsWithClient) {
    /** A command run with {@code kubectl exec}. */
    static Target exec(PodExec exec, String podUid, String container, List<String> command, boolean stdin, boolean stdout,
        boolean stderr, boolean tty) {
      return new Target(container, (in, out, err, t) -> exec.exec(podUid, container, command, in, out, err, t),
          stdin, stdout, stderr, tty, false);
    }

    /** An attach to the container's own process; it never ends in an exit code of its own. */
    static Target attach(PodAttach attach, String podUid, String container, boolean stdin, boolean stdout, boolean stderr,
        boolean tty) {
      return new Target(container, (in, out, err, t) -> {
        attach.attach(podUid, container, in, out, err, t);
        return 0;
      }, stdin, stdout, stderr, tty, true);
    }
  }

  private final Target target;
  private final StdinPipe stdin = new StdinPipe();
  private final CountDownLatch clientReady = new CountDownLatch(1);
  private final CountDownLatch sized = new CountDownLatch(1);
  private final ExecTerminal terminal = new ExecTerminal(new PodExec.TerminalSize(80, 24));
  private final ReentrantLock sending = new ReentrantLock();
  private Session session;
  private volatile Thread runner;

  ExecSocket(Target target) {
    this.target = target;
  }

  @Override
  public void onWebSocketOpen(Session s) {
    this.session = s;
    runner = Thread.ofVirtual().name("exec-" + target.name()).start(this::run);
  }

  private void run() {
    int code = -1;
    String failure = null;
    try {
      // kubectl drops output that arrives before it has set up its streams: give it a moment
      clientReady.await(150, TimeUnit.MILLISECONDS);
      if (target.tty()) {
        // kubectl sends the terminal's size first; on a busy machine that can take a while, and a
        // command started before it would see a 0x0 terminal (a client without a size waits 2 s)
        sized.await(2, TimeUnit.SECONDS);
      }
      code = target.streams().run(target.stdin() ? stdin : null, target.stdout() ? channel(ExecChannels.STDOUT) : null,
          target.stderr() ? channel(ExecChannels.STDERR) : null, target.tty() ? terminal : null);
    } catch (IOException e) {
      failure = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted";
    }
    try {
      send(ExecChannels.STATUS, Json.bytes(ExecChannels.status(code, failure)));
    } catch (IOException e) {
      log.debug("exec: client gone before the status: {}", e.getMessage());
    }
    session.close(1000, "", Callback.NOOP);
  }

  private OutputStream channel(byte channel) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        byte[] frame = new byte[len];
        System.arraycopy(b, off, frame, 0, len);
        send(channel, frame);
      }
    };
  }

  private void send(byte channel, byte[] data) throws IOException {
    ByteBuffer frame = ByteBuffer.allocate(data.length + 1);
    frame.put(channel).put(data).flip();
    // one frame at a time, in order; a lock, not synchronized, since the sender waits for the client
    sending.lock();
    try {
      Callback.Completable sent = new Callback.Completable();
      session.sendBinary(frame, sent);
      sent.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("sending to the exec client failed: " + e.getMessage());
    } finally {
      sending.unlock();
    }
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    clientReady.countDown();
    try {
      if (payload.remaining() > 0) {
        byte channel = payload.get();
        if (channel == ExecChannels.STDIN && target.stdin()) {
          byte[] data = new byte[payload.remaining()];
          payload.get(data);
          stdin.write(data);
        } else if (channel == ExecChannels.CLOSE && payload.remaining() > 0 && payload.get() == ExecChannels.STDIN) {
          stdin.close(true);
        } else if (channel == ExecChannels.RESIZE) {
          resized(payload);
        }
      }
    } finally {
      callback.succeed();
    }
  }

  /** The terminal's size: first before the command starts, then whenever the user resizes the window. */
  private void resized(ByteBuffer payload) {
    byte[] json = new byte[payload.remaining()];
    payload.get(json);
    try {
      var s = Json.MAPPER.readTree(json);
      int width = s.path("Width").asInt(0);
      int height = s.path("Height").asInt(0);
      if (width > 0 && height > 0) {
        terminal.resize(new PodExec.TerminalSize(width, height));
      }
    } catch (IOException e) {
      // keep the default size
    }
    sized.countDown();
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    clientReady.countDown();
    stdin.close(false);
    Thread r = runner;
    if (target.endsWithClient() && r != null) {
      r.interrupt();
    }
  }
}
