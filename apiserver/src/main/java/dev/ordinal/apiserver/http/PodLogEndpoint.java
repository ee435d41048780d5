package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.nodes.CriLog;
import dev.ordinal.apiserver.nodes.NodeServices;
import dev.ordinal.apiserver.nodes.PodLogs;
import dev.ordinal.apiserver.registry.Meta;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET pods/{name}/log}: a container's output as text, from the node's CRI log file, with
 * kubectl's options; {@code follow=true} keeps sending what the container writes until its run
 * ends or the client goes.
 */
final class PodLogEndpoint {
  private PodLogEndpoint() {}

  static void serve(Exchange ex, ObjectNode pod, NodeServices nodes) {
    String container = container(ex, pod);
    java.util.Optional<dev.ordinal.apiserver.nodes.RemoteNode> remote = nodes.remoteFor(pod);
    if (remote.isPresent()) {
      serveRemote(ex, pod, container, remote.get());
      return;
    }
    PodLogs logs = nodes.logs().orElseThrow(() -> ApiException.badRequest(
        "pod \"" + Meta.name(pod) + "\" has no logs: no node runs containers on this machine"));
    boolean previous = ex.flag("previous");
    Path file = logs.logFile(Meta.uid(pod), container, previous).filter(Files::exists).orElseThrow(() -> ApiException.badRequest(
        previous ? "previous terminated container \"" + container + "\" in pod \"" + Meta.name(pod) + "\" not found"
            : "container \"" + container + "\" in pod \"" + Meta.name(pod) + "\" is waiting to start: ContainerCreating"));
    String since = ex.param("sinceTime");
    long sinceSeconds = ex.longParam("sinceSeconds");
    Instant sinceAt = since != null && !since.isEmpty() ? Instant.parse(since)
        : sinceSeconds > 0 ? Instant.now().minusSeconds(sinceSeconds) : null;
    CriLog.Options options = new CriLog.Options(ex.flag("timestamps"), sinceAt, number(ex, "tailLines"), number(ex, "limitBytes"));
    try {
      // the rotated files first (oldest first), then the current one: kubectl logs reads across rotation
      List<Path> files = logs.logFiles(Meta.uid(pod), container, previous);
      List<String> earlier = new ArrayList<>();
      for (Path f : files.subList(0, Math.max(0, files.size() - 1))) {
        try {
          earlier.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
        } catch (java.nio.file.NoSuchFileException gone) {
          // rotated away meanwhile
        }
      }
      if (!ex.flag("follow")) {
        earlier.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
        ex.send(200, "text/plain", CriLog.render(earlier, options));
        return;
      }
      follow(ex, file, earlier, options, () -> logs.running(Meta.uid(pod), container));
    } catch (IOException e) {
      throw ApiException.internal("reading the log of " + container + ": " + e.getMessage());
    }
  }

  private static CriLog.Options options(Exchange ex) {
    String since = ex.param("sinceTime");
    long sinceSeconds = ex.longParam("sinceSeconds");
    Instant sinceAt = since != null && !since.isEmpty() ? Instant.parse(since)
        : sinceSeconds > 0 ? Instant.now().minusSeconds(sinceSeconds) : null;
    return new CriLog.Options(ex.flag("timestamps"), sinceAt, number(ex, "tailLines"), number(ex, "limitBytes"));
  }

  /**
   * The log of a pod on another host: its agent sends the CRI lines, rendered here with the
   * request's options as local ones are (the options apply to the lines written so far; what a
   * follow brings later is sent as it comes).
   */
  private static void serveRemote(Exchange ex, ObjectNode pod, String container, dev.ordinal.apiserver.nodes.RemoteNode node) {
    boolean previous = ex.flag("previous");
    boolean follow = ex.flag("follow");
    CriLog.Options options = options(ex);
    CriLog.Options rest = new CriLog.Options(options.timestamps(), null, -1, -1);
    List<String> first = new ArrayList<>();
    OutputStream[] out = new OutputStream[1];
    try {
      node.logs(Meta.uid(pod), container, previous, follow, new dev.ordinal.apiserver.nodes.RemoteNode.LogSink() {
        @Override
        public void lines(List<String> lines) throws IOException {
          if (out[0] == null) {
            first.addAll(lines);
          } else {
            out[0].write(CriLog.render(lines, rest));
            out[0].flush();
          }
        }

        @Override
        public void caughtUp() throws IOException {
          if (!follow) {
            return;
          }
          out[0] = ex.stream(200, "text/plain");
          out[0].write(CriLog.render(first, options));
          out[0].flush();
        }
      });
    } catch (dev.ordinal.apiserver.nodes.RemoteNode.NodeRefusal e) {
      if (out[0] == null) {
        throw ApiException.badRequest(e.getMessage());
      }
    } catch (IOException e) {
      if (out[0] == null) {
        throw ApiException.internal("reading the log of " + container + " from node " + pod.path("spec").path("nodeName").asText()
            + ": " + e.getMessage());
      }
      ex.fail(e);
      return;
    }
    try {
      if (out[0] == null) {
        ex.send(200, "text/plain", CriLog.render(first, options));
      } else {
        out[0].close();
        ex.finish();
      }
    } catch (IOException e) {
      ex.fail(e);
    }
  }

  /**
   * Streams the log, and keeps following the current file when the node rotates it (renamed away,
   * a new one in its place): once the old file is read to its end, the new one is opened.
   */
  private static void follow(Exchange ex, Path file, List<String> earlier, CriLog.Options options,
      java.util.function.BooleanSupplier running) throws IOException {
    OutputStream out = ex.stream(200, "text/plain");
    RandomAccessFile f = new RandomAccessFile(file.toFile(), "r");
    try {
      Object openedKey = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
      List<String> first = new ArrayList<>(earlier);
      String line;
      while ((line = readLine(f)) != null) {
        first.add(line);
      }
      out.write(CriLog.render(first, options));
      out.flush();
      CriLog.Options rest = new CriLog.Options(options.timestamps(), null, -1, -1);
      while (true) {
        List<String> more = new ArrayList<>();
        while ((line = readLine(f)) != null) {
          more.add(line);
        }
        if (!more.isEmpty()) {
          out.write(CriLog.render(more, rest));
          out.flush();
          continue;
        }
        Object nowKey = Files.exists(file) ? Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey() : null;
        if (nowKey != null && !nowKey.equals(openedKey)) {
          f.close();
          f = new RandomAccessFile(file.toFile(), "r");
          openedKey = nowKey;
        } else if (!running.getAsBoolean()) {
          break;
        } else {
          Thread.sleep(200);
        }
      }
      out.close();
      ex.finish();
    } catch (IOException e) {
      ex.fail(e); // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ex.fail(e);
    } finally {
      f.close();
    }
  }

  private static long number(Exchange ex, String name) {
    String v = ex.param(name);
    try {
      return v == null || v.isEmpty() ? -1 : Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + ": not a number: " + v);
    }
  }

  /** A whole line (a partial last line is left for the next read), or null. */
  private static String readLine(RandomAccessFile f) throws IOException {
    long start = f.getFilePointer();
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = f.read()) >= 0) {
      if (c == '\n') {
        return new String(b.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
      }
      b.append((char) c);
    }
    f.seek(start);
    return null;
  }

  /** The container asked for, or the only one; as upstream, several without a choice is an error. */
  static String container(Exchange ex, ObjectNode pod) {
    String c = ex.param("container");
    List<String> names = new ArrayList<>();
    for (String section : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode n : pod.path("spec").path(section)) {
        names.add(n.path("name").asText());
      }
    }
    if (c == null || c.isEmpty()) {
      List<String> app = new ArrayList<>();
      pod.path("spec").path("containers").forEach(n -> app.add(n.path("name").asText()));
      if (app.size() == 1) {
        return app.get(0);
      }
      throw ApiException.badRequest("a container name must be specified for pod " + Meta.name(pod) + ", choose one of: " + app);
    }
    if (!names.contains(c)) {
      throw ApiException.badRequest("container " + c + " is not valid for pod " + Meta.name(pod));
    }
    return c;
  }
}
