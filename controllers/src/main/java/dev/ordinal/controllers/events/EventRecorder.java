package dev.ordinal.controllers.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about objects, as Kubernetes components do, so that {@code kubectl
 * describe} and {@code kubectl get events} show what the control plane did. Repeats of the same
 * event (same object, type, reason and message) update one Event's count and lastTimestamp
 * instead of creating new ones. Recording never fails nor delays the caller: events are written
 * in order by a background thread, as client-go's broadcaster does, so a controller writing a
 * thousand pods does not also wait for a thousand events; when more than {@value #BACKLOG} wait,
 * new ones are dropped (and logged), and a failed write is logged.
 */
public final class EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  private static final int BACKLOG = 10_000;
  private static final int REMEMBERED = 4_096;
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final Client client;
  private final String component;
  // the names of recent events by what they say, so that repeats count up (least recent forgotten)
  private final Map<String, String> seen = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > REMEMBERED;
    }
  });
  private final ThreadPoolExecutor writer;

  public EventRecorder(Client client, String component) {
    this.client = client;
    this.component = component;
    this.writer = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(BACKLOG),
        Thread.ofVirtual().name("events-" + component).factory(),
        (task, pool) -> log.warn("{}: more than {} events waiting, dropping one", component, BACKLOG));
    writer.allowCoreThreadTimeOut(true);
  }

  public void normal(ObjectNode about, String reason, String message) {
    record(about, "Normal", reason, message);
  }

  public void warning(ObjectNode about, String reason, String message) {
    record(about, "Warning", reason, message);
  }

  private void record(ObjectNode about, String type, String reason, String message) {
    record(about, "", type, reason, message);
  }

  /**
   * An event about a part of the object, named by its {@code involvedObject.fieldPath} — kubelet's
   * container events name the container so, e.g. {@code spec.containers{nginx}}; "" for the whole.
   */
  public void record(ObjectNode about, String fieldPath, String type, String reason, String message) {
    // what the event says is taken now: the caller may change its object once this returns
    ObjectNode involved = Json.object();
    involved.put("apiVersion", about.path("apiVersion").asText()).put("kind", about.path("kind").asText())
        .put("name", Meta.name(about)).put("uid", Meta.uid(about)).put("resourceVersion", Meta.resourceVersion(about));
    if (!Meta.namespace(about).isEmpty()) {
      involved.put("namespace", Meta.namespace(about));
    }
    if (!fieldPath.isEmpty()) {
      involved.put("fieldPath", fieldPath);
    }
    String now = Meta.now();
    writer.execute(() -> write(involved, type, reason, message, now));
  }

  /** Waits until the events recorded so far are written (for tests), at most the given time. */
  public boolean flush(Duration atMost) throws InterruptedException {
    CountDownLatch written = new CountDownLatch(1);
    writer.execute(written::countDown);
    return written.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void write(ObjectNode involved, String type, String reason, String message, String now) {
    String namespace = involved.path("namespace").asText("default");
    String key = involved.path("uid").asText() + "|" + involved.path("fieldPath").asText() + "|" + type + "|" + reason + "|" + message;
    try {
      String existing = seen.get(key);
      if (existing != null && bumpCount(namespace, existing, now)) {
        return;
      }
      ObjectNode ev = Json.object();
      ev.put("apiVersion", "v1").put("kind", "Event");
      // unique however many events a millisecond brings, and sorted by time as upstream's names are
      String name = involved.path("name").asText() + "."
          + Long.toHexString(Instant.now().toEpochMilli() * 1_000_000 + SEQUENCE.incrementAndGet() % 1_000_000);
      ev.putObject("metadata").put("name", name).put("namespace", namespace);
      ev.set("involvedObject", involved);
      ev.put("type", type).put("reason", reason).put("message", message);
      ev.putObject("source").put("component", component);
      ev.put("reportingComponent", component).put("reportingInstance", component);
      ev.put("firstTimestamp", now).put("lastTimestamp", now).put("count", 1);
      client.create(Types.EVENTS, namespace, ev);
      seen.put(key, name);
    } catch (RuntimeException e) {
      // ApiException, or the store already closed at shutdown
      log.warn("could not record event {} on {} {}: {}", reason, involved.path("kind").asText().toLowerCase(Locale.ROOT),
          involved.path("name").asText(), e.getMessage());
    }
  }

  private boolean bumpCount(String namespace, String name, String now) {
    try {
      ObjectNode ev = client.get(Types.EVENTS, namespace, name);
      ev.put("count", ev.path("count").asLong(1) + 1).put("lastTimestamp", now);
      client.update(Types.EVENTS, ev);
      return true;
    } catch (ApiException e) {
      return false;
    }
  }
}
