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
      if (!ex.flag("follow")) {
        ex.send(200, "text/plain", CriLog.render(Files.readAllLines(file, StandardCharsets.UTF_8), options));
        return;
      }
      follow(ex, file, options, () -> logs.running(Meta.uid(pod), container));
    } catch (IOException e) {
      throw ApiException.internal("reading the log of " + container + ": " + e.getMessage());
    }
  }

  private static void follow(Exchange ex, Path file, CriLog.Options options, java.util.function.BooleanSupplier running)
      throws IOException {
    OutputStream out = ex.stream(200, "text/plain");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      List<String> first = new ArrayList<>();
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
    for (String section : List.of("initContainers", "containers")) {
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
