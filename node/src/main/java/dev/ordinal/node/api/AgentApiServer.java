package dev.ordinal.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.nodes.AgentWire;
import dev.ordinal.apiserver.nodes.ExecTerminal;
import dev.ordinal.apiserver.nodes.PodAttach;
import dev.ordinal.apiserver.nodes.PodExec;
import dev.ordinal.apiserver.nodes.PodLogs;
import dev.ordinal.apiserver.nodes.StdinPipe;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of {@link AgentWire} (kubelet's server upstream): listens on the node's address,
 * requires a client certificate of the cluster CA whose common name is the API server's
 * ({@link AgentWire#API_SERVER_CLIENT}), and serves logs, exec and attach from the node's runtime.
 * Each connection runs on a virtual thread (socket I/O parks it; the runtime's own blocking calls
 * go through {@code Blocking}).
 */
public final class AgentApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentApiServer.class);
  private final PodLogs logs;
  private final PodExec exec;
  private final PodAttach attach;
  private final dev.ordinal.apiserver.nodes.NodeStats stats;
  private final SSLServerSocket socket;

  /** @param tls the agent's serving key and a trust manager of the cluster CA */
  public AgentApiServer(SSLContext tls, String address, int port, PodLogs logs, PodExec exec, PodAttach attach) throws IOException {
    this(tls, address, port, logs, exec, attach, null);
  }

  /** @param stats the node's usage and metrics ({@code stats} and {@code metrics} requests), or null for none */
  public AgentApiServer(SSLContext tls, String address, int port, PodLogs logs, PodExec exec, PodAttach attach,
      dev.ordinal.apiserver.nodes.NodeStats stats) throws IOException {
    this.stats = stats;
    this.logs = logs;
    this.exec = exec;
    this.attach = attach;
    socket = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(address, port));
    socket.setNeedClientAuth(true);
  }

  public int port() {
    return socket.getLocalPort();
  }

  public void start() {
    Thread.ofVirtual().name("agent-api").start(this::accept);
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        SSLSocket s = (SSLSocket) socket.accept();
        Thread.ofVirtual().name("agent-api-conn").start(() -> serve(s));
      } catch (IOException e) {
        if (!socket.isClosed()) {
          log.warn("agent API accept failed: {}", e.getMessage());
        }
      }
    }
  }

  private void serve(SSLSocket s) {
    try (s) {
      s.startHandshake();
      X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
      String cn = peer.getSubjectX500Principal().getName();
      if (!cn.equals("CN=" + AgentWire.API_SERVER_CLIENT) && !cn.startsWith("CN=" + AgentWire.API_SERVER_CLIENT + ",")) {
        log.warn("refused an agent API client {}: not the API server", cn);
        return;
      }
      DataInputStream in = new DataInputStream(s.getInputStream());
      AgentWire.Writer out = new AgentWire.Writer(s.getOutputStream());
      ObjectNode req = AgentWire.readRequest(in);
      try {
        switch (req.path("op").asText()) {
          case "logs" -> logs(req, out);
          case "exec", "attach" -> session(req, in, out);
          case "stats" -> out.frame(AgentWire.RESULT, stats == null ? Json.object().put("error", "this node reports no usage")
              : Json.object().set("summary", dev.ordinal.apiserver.nodes.StatsJson.toJson(stats.summary())));
          case "metrics" -> out.frame(AgentWire.RESULT, stats == null ? Json.object().put("error", "this node serves no metrics")
              : Json.object().put("text", stats.prometheus()));
          default -> out.frame(AgentWire.RESULT, Json.object().put("error", "unknown request " + req.path("op").asText()));
        }
      } catch (IOException e) {
        try {
          out.frame(AgentWire.RESULT, Json.object().put("error", String.valueOf(e.getMessage())));
        } catch (IOException gone) {
          // the API server went away
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("agent API connection ended: {}", e.toString());
    }
  }

  private void logs(ObjectNode req, AgentWire.Writer out) throws IOException {
    String uid = req.path("uid").asText();
    String container = req.path("container").asText();
    boolean previous = req.path("previous").asBoolean();
    Path file = logs.logFile(uid, container, previous).filter(Files::exists).orElse(null);
    if (file == null) {
      out.frame(AgentWire.RESULT, Json.object().put("error", previous ? "previous terminated container \"" + container + "\" not found"
          : "container \"" + container + "\" is waiting to start: ContainerCreating"));
      return;
    }
    List<Path> files = logs.logFiles(uid, container, previous);
    StringBuilder earlier = new StringBuilder();
    for (Path f : files.subList(0, Math.max(0, files.size() - 1))) {
      try {
        for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          earlier.append(l).append('\n');
        }
      } catch (java.nio.file.NoSuchFileException gone) {
        // rotated away meanwhile
      }
    }
    if (!earlier.isEmpty()) {
      out.frame(AgentWire.LOG_LINES, earlier.toString().getBytes(StandardCharsets.UTF_8));
    }
    RandomAccessFile f = new RandomAccessFile(file.toFile(), "r");
    try {
      Object openedKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      sendNew(f, out);
      out.frame(AgentWire.LOG_CAUGHT_UP, new byte[0]);
      if (!req.path("follow").asBoolean()) {
        out.frame(AgentWire.RESULT, Json.object().put("exit", 0));
        return;
      }
      while (true) {
        if (sendNew(f, out)) {
          continue;
        }
        Object nowKey = Files.exists(file) ? Files.readAttributes(file, BasicFileAttributes.class).fileKey() : null;
        if (nowKey != null && !nowKey.equals(openedKey)) {
          f.close();
          f = new RandomAccessFile(file.toFile(), "r");
          openedKey = nowKey;
        } else if (!logs.running(uid, container)) {
          break;
        } else {
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
      out.frame(AgentWire.RESULT, Json.object().put("exit", 0));
    } finally {
      f.close();
    }
  }

  /** Sends the whole lines written since the last look; whether there were any. */
  private static boolean sendNew(RandomAccessFile f, AgentWire.Writer out) throws IOException {
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = readLine(f)) != null) {
      lines.add(line);
    }
    if (lines.isEmpty()) {
      return false;
    }
    out.frame(AgentWire.LOG_LINES, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    return true;
  }

  private static String readLine(RandomAccessFile f) throws IOException {
    long start = f.getFilePointer();
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    int c;
    while ((c = f.read()) >= 0) {
      if (c == '\n') {
        return b.toString(StandardCharsets.UTF_8);
      }
      b.write(c);
    }
    f.seek(start);
    return null;
  }

  private void session(ObjectNode req, DataInputStream in, AgentWire.Writer out) throws IOException {
    String uid = req.path("uid").asText();
    String container = req.path("container").asText();
    StdinPipe stdin = req.path("stdin").asBoolean() ? new StdinPipe() : null;
    ExecTerminal terminal = req.path("tty").asBoolean()
        ? new ExecTerminal(new PodExec.TerminalSize(req.path("columns").asInt(80), req.path("rows").asInt(24))) : null;
    Thread runner = Thread.currentThread();
    // frames from the API server: stdin, its end, resizes; the connection's end ends an attach
    Thread reader = Thread.ofVirtual().name("agent-api-in").start(() -> {
      try {
        AgentWire.Frame f;
        while ((f = AgentWire.read(in)) != null) {
          switch (f.channel()) {
            case AgentWire.STDIN -> {
              if (stdin != null) {
                stdin.write(f.data());
              }
            }
            case AgentWire.STDIN_END -> {
              if (stdin != null) {
                stdin.close(true);
              }
            }
            case AgentWire.RESIZE -> {
              if (terminal != null) {
                JsonNode size = f.json();
                terminal.resize(new PodExec.TerminalSize(size.path("columns").asInt(80), size.path("rows").asInt(24)));
              }
            }
            default -> { }
          }
        }
      } catch (IOException e) {
        // the API server went away
      }
      if (stdin != null) {
        stdin.close(false);
      }
      if (req.path("op").asText().equals("attach")) {
        runner.interrupt();
      }
    });
    try {
      if (req.path("op").asText().equals("exec")) {
        List<String> command = new ArrayList<>();
        req.path("command").forEach(c -> command.add(c.asText()));
        int code = exec.exec(uid, container, command, stdin, out.channel(AgentWire.STDOUT), out.channel(AgentWire.STDERR), terminal);
        out.frame(AgentWire.RESULT, Json.object().put("exit", code));
      } else {
        attach.attach(uid, container, stdin, req.path("stdout").asBoolean() ? out.channel(AgentWire.STDOUT) : null,
            req.path("stderr").asBoolean() ? out.channel(AgentWire.STDERR) : null, terminal);
        out.frame(AgentWire.RESULT, Json.object().put("exit", 0));
      }
    } finally {
      reader.interrupt();
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing
    }
  }
}
