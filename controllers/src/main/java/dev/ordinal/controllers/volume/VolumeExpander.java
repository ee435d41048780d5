package dev.ordinal.controllers.volume;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Grows claims' volumes online (upstream's expand controller, external-resizer and kubelet's
 * node expansion in one, since the volume is on this host): applies {@link ExpansionPlanner}'s
 * plans. The claim first shows {@code allocatedResources}, the {@code Resizing} condition and
 * {@code ControllerResizeInProgress}; the backing grows its file and filesystem while pods keep
 * writing; the volume's capacity and then the claim's {@code status.capacity} take the new size,
 * with upstream's events ({@code Resizing}, {@code VolumeResizeSuccessful},
 * {@code FileSystemResizeSuccessful}; {@code VolumeResizeFailed} and a retry on failure).
 */
public final class VolumeExpander implements AutoCloseable {
  private final Client client;
  private final VolumeBacking backing;
  private final String nodeName;
  private final EventRecorder events;
  private final Informer claims;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;

  public VolumeExpander(Client client, VolumeBacking backing, String nodeName) {
    this.client = client;
    this.backing = backing;
    this.nodeName = nodeName;
    this.events = new EventRecorder(client, "external-resizer " + DefaultStorageClass.PROVISIONER);
    this.claims = new Informer(client, Types.PERSISTENT_VOLUME_CLAIMS).onChange((o, c, deleted) -> {
      if (!deleted) {
        queue.add(Informer.key(c));
      }
    });
    this.worker = new Worker("volume-expander", queue, this::sync, 2);
  }

  public void start() {
    claims.start();
    worker.start();
  }

  Optional<Duration> sync(String key) {
    String ns = key.substring(0, key.indexOf('/'));
    ObjectNode claim = client.find(Types.PERSISTENT_VOLUME_CLAIMS, ns, key.substring(key.indexOf('/') + 1)).orElse(null);
    if (claim == null) {
      return Optional.empty();
    }
    String pvName = claim.path("spec").path("volumeName").asText("");
    ObjectNode pv = pvName.isEmpty() ? null : client.find(Types.PERSISTENT_VOLUMES, null, pvName).orElse(null);
    String className = claim.path("spec").path("storageClassName").asText("");
    ObjectNode sc = className.isEmpty() ? null : client.find(Types.STORAGE_CLASSES, null, className).orElse(null);
    ExpansionPlanner.Plan plan = ExpansionPlanner.plan(claim, pv, sc);
    switch (plan.step()) {
      case NONE -> {
        return Optional.empty();
      }
      case REFUSE -> {
        events.normal(claim, "ExternalExpanding", plan.message());
        return Optional.empty();
      }
      case EXPAND -> {
        return expand(claim, pv, plan);
      }
      default -> throw new IllegalStateException();
    }
  }

  private Optional<Duration> expand(ObjectNode claim, ObjectNode pv, ExpansionPlanner.Plan plan) {
    ObjectNode status = claim.with("status");
    status.putObject("allocatedResources").put("storage", plan.size());
    status.putObject("allocatedResourceStatuses").put("storage", "ControllerResizeInProgress");
    setCondition(status, "Resizing", "");
    claim = client.updateStatus(Types.PERSISTENT_VOLUME_CLAIMS, claim);
    events.normal(claim, "Resizing", plan.message());
    try {
      backing.expand(pv, plan.bytes());
    } catch (IOException | RuntimeException e) {
      events.warning(claim, "VolumeResizeFailed", "resize volume \"" + Meta.name(pv) + "\" by resizer \""
          + DefaultStorageClass.PROVISIONER + "\" failed: " + e.getMessage());
      claim.with("status").with("allocatedResourceStatuses").put("storage", "ControllerResizeFailed");
      client.updateStatus(Types.PERSISTENT_VOLUME_CLAIMS, claim);
      return Optional.of(Duration.ofSeconds(10));
    }
    ObjectNode volume = client.get(Types.PERSISTENT_VOLUMES, null, Meta.name(pv));
    volume.with("spec").with("capacity").put("storage", plan.size());
    client.update(Types.PERSISTENT_VOLUMES, volume);
    events.normal(claim, "VolumeResizeSuccessful", "Resize volume succeeded");
    ObjectNode done = client.get(Types.PERSISTENT_VOLUME_CLAIMS, Meta.namespace(claim), Meta.name(claim));
    ObjectNode s = done.with("status");
    s.putObject("capacity").put("storage", plan.size());
    s.putObject("allocatedResources").put("storage", plan.size());
    s.remove("allocatedResourceStatuses");
    removeConditions(s);
    client.updateStatus(Types.PERSISTENT_VOLUME_CLAIMS, done);
    if (backing.limitsCapacity(pv) && !"Block".equals(pv.path("spec").path("volumeMode").asText())) {
      events.normal(done, "FileSystemResizeSuccessful", "MountVolume.NodeExpandVolume succeeded for volume \""
          + Meta.name(pv) + "\" " + nodeName);
    }
    return Optional.empty();
  }

  private static void setCondition(ObjectNode status, String type, String message) {
    removeConditions(status);
    ArrayNode conditions = status.withArray("conditions");
    ObjectNode c = conditions.addObject();
    c.put("type", type).put("status", "True").putNull("lastProbeTime")
        .put("lastTransitionTime", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    if (!message.isEmpty()) {
      c.put("message", message);
    }
  }

  private static void removeConditions(ObjectNode status) {
    if (status.path("conditions").isArray()) {
      ArrayNode kept = status.arrayNode();
      status.path("conditions").forEach(c -> {
        String t = c.path("type").asText();
        if (!t.equals("Resizing") && !t.equals("FileSystemResizePending")) {
          kept.add(c);
        }
      });
      if (kept.isEmpty()) {
        status.remove("conditions");
      } else {
        status.set("conditions", kept);
      }
    }
  }

  @Override
  public void close() {
    worker.close();
    claims.close();
  }
}
