package dev.ordinal.apiserver.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A node agent on another host as the API server reaches it: exec, attach and logs over
 * {@link AgentWire}, one TLS connection each. The API server shows its own client certificate
 * (CN {@link AgentWire#API_SERVER_CLIENT}, signed by the cluster CA) and checks the agent's serving
 * certificate against the cluster CA and the node's address.
 */
public final class RemoteNode implements PodExec, PodAttach, NodeStats {
  private static final int CONNECT_TIMEOUT_MS = 5000;
  private final String host;
  private final int port;
  private final SSLContext tls;

  public RemoteNode(String host, int port, SSLContext tls) {
    this.host = host;
    this.port = port;
    this.tls = tls;
  }

  /** What a remote log stream delivers: the lines so far, then (following) each new batch. */
  public interface LogSink {
    void lines(List<String> lines) throws IOException;

    /** Every line written until now was delivered. */
    void caughtUp() throws IOException;
  }

  private SSLSocket connect() throws IOException {
    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
    s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
    SSLParameters p = s.getSSLParameters();
    p.setEndpointIdentificationAlgorithm("HTTPS"); // the agent's certificate must name its address
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  /**
   * Streams a container's CRI log lines (rotated files first). Without {@code follow} it returns
   * once every line was delivered; with it, until the container's run ends or the caller is interrupted.
   *
   * @throws IOException with the agent's reason when there is no such log
   */
  public void logs(String podUid, String container, boolean previous, boolean follow, LogSink sink) throws IOException {
    ObjectNode req = Json.object().put("op", "logs").put("uid", podUid).put("container", container).put("previous", previous)
        .put("follow", follow);
    try (SSLSocket s = connect()) {
      new AgentWire.Writer(s.getOutputStream()).request(req);
      DataInputStream in = new DataInputStream(s.getInputStream());
      AgentWire.Frame f;
      while ((f = AgentWire.read(in)) != null) {
        switch (f.channel()) {
          case AgentWire.LOG_LINES -> sink.lines(splitLines(f.text()));
          case AgentWire.LOG_CAUGHT_UP -> {
            sink.caughtUp();
            if (!follow) {
              return;
            }
          }
          case AgentWire.RESULT -> {
            ObjectNode r = f.json();
            if (r.has("error")) {
              throw new NodeRefusal(r.path("error").asText());
            }
            return;
          }
          default -> { }
        }
      }
    }
  }

  private static List<String> splitLines(String text) {
    List<String> lines = new ArrayList<>();
    for (String l : text.split("\n", -1)) {
      if (!l.isEmpty()) {
        lines.add(l);
      }
    }
    return lines;
  }

  /** The agent's own refusal (no such container, not running): the client's mistake, not a broken link. */
  public static final class NodeRefusal extends IOException {
    public NodeRefusal(String message) {
      super(message);
    }
  }

  @Override
  public int exec(String podUid, String container, List<String> command, InputStream stdin, OutputStream stdout, OutputStream stderr,
      ExecTerminal terminal) throws IOException {
    ObjectNode req = Json.object().put("op", "exec").put("uid", podUid).put("container", container);
    command.forEach(req.putArray("command")::add);
    return session(req, stdin, stdout, stderr, terminal);
  }

  @Override
  public void attach(String podUid, String container, InputStream stdin, OutputStream stdout, OutputStream stderr,
      ExecTerminal terminal) throws IOException {
    ObjectNode req = Json.object().put("op", "attach").put("uid", podUid).put("container", container)
        .put("stdout", stdout != null).put("stderr", stderr != null);
    session(req, stdin, stdout, stderr, terminal);
  }

  private int session(ObjectNode req, InputStream stdin, OutputStream stdout, OutputStream stderr, ExecTerminal terminal)
      throws IOException {
    req.put("stdin", stdin != null).put("tty", terminal != null);
    if (terminal != null) {
      req.put("columns", terminal.size().columns()).put("rows", terminal.size().rows());
    }
    try (SSLSocket s = connect()) {
      AgentWire.Writer out = new AgentWire.Writer(s.getOutputStream());
      out.request(req);
      if (terminal != null) {
        terminal.onResize(size -> {
          try {
            out.frame(AgentWire.RESIZE, Json.object().put("columns", size.columns()).put("rows", size.rows()));
          } catch (IOException e) {
            // the session is ending
          }
        });
      }
      Thread pump = null;
      if (stdin != null) {
        pump = Thread.ofVirtual().name("remote-stdin").start(() -> {
          byte[] buf = new byte[8192];
          try {
            int n;
            while ((n = stdin.read(buf)) >= 0) {
              out.frame(AgentWire.STDIN, buf, 0, n);
            }
            out.frame(AgentWire.STDIN_END, new byte[0]);
          } catch (IOException e) {
            // the session ended
          }
        });
      }
      try {
        DataInputStream in = new DataInputStream(s.getInputStream());
        AgentWire.Frame f;
        while ((f = AgentWire.read(in)) != null) {
          switch (f.channel()) {
            case AgentWire.STDOUT -> {
              if (stdout != null) {
                stdout.write(f.data());
                stdout.flush();
              }
            }
            case AgentWire.STDERR -> {
              if (stderr != null) {
                stderr.write(f.data());
                stderr.flush();
              }
            }
            case AgentWire.RESULT -> {
              ObjectNode r = f.json();
              if (r.has("error")) {
                throw new NodeRefusal(r.path("error").asText());
              }
              return r.path("exit").asInt(0);
            }
            default -> { }
          }
        }
        throw new IOException("the node agent at " + host + " closed the session without a result");
      } finally {
        if (pump != null) {
          pump.interrupt();
        }
      }
    }
  }

  @Override
  public NodeStats.Summary summary() throws IOException {
    return StatsJson.fromJson(call(Json.object().put("op", "stats")).path("summary"));
  }

  @Override
  public String prometheus() throws IOException {
    return call(Json.object().put("op", "metrics")).path("text").asText();
  }

  /** A request answered by one result frame. */
  private ObjectNode call(ObjectNode req) throws IOException {
    try (SSLSocket s = connect()) {
      new AgentWire.Writer(s.getOutputStream()).request(req);
      DataInputStream in = new DataInputStream(s.getInputStream());
      AgentWire.Frame f;
      while ((f = AgentWire.read(in)) != null) {
        if (f.channel() == AgentWire.RESULT) {
          ObjectNode r = f.json();
          if (r.has("error")) {
            throw new NodeRefusal(r.path("error").asText());
          }
          return r;
        }
      }
      throw new IOException("the node agent at " + host + " closed the connection without a result");
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
