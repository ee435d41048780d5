package dev.ordinal.controllers.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.controllers.snapshot.SnapshotAction.BindContent;
import dev.ordinal.controllers.snapshot.SnapshotAction.ClaimFinalizer;
import dev.ordinal.controllers.snapshot.SnapshotAction.ContentFinalizers;
import dev.ordinal.controllers.snapshot.SnapshotAction.ContentStatus;
import dev.ordinal.controllers.snapshot.SnapshotAction.CreateContent;
import dev.ordinal.controllers.snapshot.SnapshotAction.DeleteContent;
import dev.ordinal.controllers.snapshot.SnapshotAction.DeleteData;
import dev.ordinal.controllers.snapshot.SnapshotAction.Event;
import dev.ordinal.controllers.snapshot.SnapshotAction.SnapshotFinalizers;
import dev.ordinal.controllers.snapshot.SnapshotAction.SnapshotStatus;
import dev.ordinal.controllers.snapshot.SnapshotAction.TakeSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the snapshot controller does with one VolumeSnapshot or one VolumeSnapshotContent (pure):
 * upstream's snapshot-controller (binding, contents made for dynamic snapshots, default classes,
 * finalizers, deletion policy) and its csi-snapshotter sidecar (the copy, the content's status) in
 * one, since the volumes are this host's.
 */
public final class SnapshotPlanner {
  public static final String DRIVER = "ordinal.dev/local-path";
  public static final String AS_SOURCE = "snapshot.storage.kubernetes.io/volumesnapshot-as-source-protection";
  public static final String BOUND = "snapshot.storage.kubernetes.io/volumesnapshot-bound-protection";
  public static final String CONTENT_BOUND = "snapshot.storage.kubernetes.io/volumesnapshotcontent-bound-protection";
  public static final String PVC_AS_SOURCE = "snapshot.storage.kubernetes.io/pvc-as-source-protection";
  public static final String DEFAULT_CLASS = "snapshot.storage.kubernetes.io/is-default-class";
  static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";

  /** The writes, in order, and when to look again (empty: at the next change). */
  public record Plan(List<SnapshotAction> actions, Optional<Duration> requeue) {
    static Plan of(List<SnapshotAction> actions) {
      return new Plan(List.copyOf(actions), Optional.empty());
    }

    static Plan again(List<SnapshotAction> actions, Duration after) {
      return new Plan(List.copyOf(actions), Optional.of(after));
    }
  }

  /**
   * What a snapshot's sync sees.
   *
   * @param content the content it is (or is to be) bound to, null when there is none
   * @param claim the source claim (dynamic snapshots), null when gone or not one
   * @param pv the claim's volume, null when unbound
   * @param classes every VolumeSnapshotClass
   * @param restoring whether a claim is being provisioned from this snapshot
   */
  public record SnapshotView(ObjectNode snapshot, ObjectNode content, ObjectNode claim, ObjectNode pv,
      Collection<ObjectNode> classes, boolean restoring) {}

  /**
   * What a content's sync sees.
   *
   * @param snapshot the snapshot its volumeSnapshotRef names, null when gone
   * @param pv the volume of {@code spec.source.volumeHandle}, null when gone or not one
   * @param dataExists whether the handle of a pre-provisioned content has data on this host
   * @param nodeName the node whose volumes this controller can copy
   */
  public record ContentView(ObjectNode content, ObjectNode snapshot, ObjectNode pv, boolean dataExists, String nodeName) {}

  private SnapshotPlanner() {}

  /** The name upstream gives the content of a dynamic snapshot. */
  public static String contentName(JsonNode snapshot) {
    return "snapcontent-" + snapshot.path("metadata").path("uid").asText();
  }

  /** The content a snapshot is bound to or is to be: pre-provisioned by name, else its own. */
  public static String contentFor(JsonNode snapshot) {
    String bound = snapshot.path("status").path("boundVolumeSnapshotContentName").asText("");
    if (!bound.isEmpty()) {
      return bound;
    }
    String given = snapshot.path("spec").path("source").path("volumeSnapshotContentName").asText("");
    return given.isEmpty() ? contentName(snapshot) : given;
  }

  public static Plan snapshot(SnapshotView v, Instant now) {
    ObjectNode vs = v.snapshot();
    List<SnapshotAction> out = new ArrayList<>();
    List<String> finalizers = finalizers(vs);
    String claimName = vs.path("spec").path("source").path("persistentVolumeClaimName").asText("");
    String ns = vs.path("metadata").path("namespace").asText();
    if (vs.path("metadata").has("deletionTimestamp")) {
      return deleting(v, finalizers, claimName, ns, out);
    }
    if (!finalizers.contains(AS_SOURCE) || !finalizers.contains(BOUND)) {
      List<String> next = new ArrayList<>(finalizers);
      for (String f : List.of(AS_SOURCE, BOUND)) {
        if (!next.contains(f)) {
          next.add(f);
        }
      }
      out.add(new SnapshotFinalizers(next));
    }
    ObjectNode content = v.content();
    if (claimName.isEmpty()) {
      return preProvisioned(v, out, now);
    }
    if (content == null) {
      if (!vs.path("status").path("boundVolumeSnapshotContentName").asText("").isEmpty()) {
        return failed(v, out, now, "SnapshotContentMissing", "VolumeSnapshotContent is missing", Duration.ofSeconds(30));
      }
      Optional<ObjectNode> cls = snapshotClass(vs, v.classes());
      if (cls.isEmpty()) {
        String named = vs.path("spec").path("volumeSnapshotClassName").asText("");
        return failed(v, out, now, "SnapshotContentCreationFailed", named.isEmpty()
            ? "Failed to set default snapshot class with error cannot find default snapshot class"
            : "Failed to get snapshot class with error volumesnapshotclass.snapshot.storage.k8s.io \"" + named + "\" not found",
            Duration.ofSeconds(10));
      }
      if (v.claim() == null) {
        return failed(v, out, now, "SnapshotContentCreationFailed", "Failed to create snapshot content with error "
            + "failed to retrieve PVC " + claimName + " from the lister: persistentvolumeclaim \"" + claimName + "\" not found",
            Duration.ofSeconds(5));
      }
      if (v.pv() == null || !v.claim().path("status").path("phase").asText("").equals("Bound")) {
        return failed(v, out, now, "SnapshotContentCreationFailed", "Failed to create snapshot content with error "
            + "the PVC " + claimName + " is not yet bound to a PV, will not attempt to take a snapshot", Duration.ofSeconds(2));
      }
      String driver = cls.get().path("driver").asText();
      if (!DRIVER.equals(driver) || !DRIVER.equals(v.pv().path("metadata").path("annotations").path(PROVISIONED_BY).asText(""))) {
        // a class of another driver is that driver's sidecar's; a volume not made here cannot be copied here
        return failed(v, out, now, "SnapshotContentCreationFailed", "Failed to create snapshot content with error "
            + "volume " + v.pv().path("metadata").path("name").asText() + " of claim " + claimName
            + " was not provisioned by driver " + driver, Duration.ofSeconds(30));
      }
      if (vs.path("spec").path("volumeSnapshotClassName").asText("").isEmpty()) {
        out.add(new SnapshotAction.SnapshotClassName(cls.get().path("metadata").path("name").asText()));
      }
      if (!finalizers(v.claim()).contains(PVC_AS_SOURCE)) {
        out.add(new ClaimFinalizer(ns, claimName, true));
      }
      out.add(new CreateContent(newContent(vs, v.pv(), cls.get())));
      out.add(new Event("Normal", "CreatingSnapshot", "Waiting for a snapshot " + ns + "/" + vs.path("metadata").path("name").asText()
          + " to be created by the CSI driver."));
      return Plan.of(out);
    }
    String ref = content.path("spec").path("volumeSnapshotRef").path("uid").asText("");
    if (!ref.equals(vs.path("metadata").path("uid").asText())) {
      return failed(v, out, now, "SnapshotContentMisbound", "VolumeSnapshotContent " + content.path("metadata").path("name").asText()
          + " is bound to a different snapshot", Duration.ofSeconds(30));
    }
    ObjectNode status = statusFrom(vs, content, now);
    boolean ready = status.path("readyToUse").asBoolean(false);
    if (ready && v.claim() != null && finalizers(v.claim()).contains(PVC_AS_SOURCE)) {
      // the controller passes only this snapshot's claim; whether other snapshots still read it is its to check
      out.add(new ClaimFinalizer(ns, claimName, false));
    }
    statusWrite(vs, status, out);
    return Plan.of(out);
  }

  private static Plan deleting(SnapshotView v, List<String> finalizers, String claimName, String ns, List<SnapshotAction> out) {
    ObjectNode content = v.content();
    if (!claimName.isEmpty() && v.claim() != null && finalizers(v.claim()).contains(PVC_AS_SOURCE)
        && !v.snapshot().path("status").path("readyToUse").asBoolean(false)) {
      out.add(new ClaimFinalizer(ns, claimName, false));
    }
    if (v.restoring()) {
      // upstream keeps as-source-protection while a volume is being made from the snapshot
      return Plan.again(out, Duration.ofSeconds(2));
    }
    if (content != null && !content.path("metadata").has("deletionTimestamp")
        && content.path("spec").path("deletionPolicy").asText("").equals("Delete")) {
      out.add(new DeleteContent(content.path("metadata").path("name").asText()));
      return Plan.again(out, Duration.ofSeconds(1));
    }
    if (content != null && content.path("metadata").has("deletionTimestamp")) {
      return Plan.again(out, Duration.ofSeconds(1)); // bound-protection stays until the content (and its data) is gone
    }
    List<String> next = new ArrayList<>(finalizers);
    next.removeAll(List.of(AS_SOURCE, BOUND));
    if (next.size() != finalizers.size()) {
      out.add(new SnapshotFinalizers(next));
    }
    return Plan.of(out);
  }

  private static Plan preProvisioned(SnapshotView v, List<SnapshotAction> out, Instant now) {
    ObjectNode vs = v.snapshot();
    ObjectNode content = v.content();
    String name = vs.path("spec").path("source").path("volumeSnapshotContentName").asText();
    if (content == null) {
      return failed(v, out, now, "SnapshotContentMissing", "VolumeSnapshotContent " + name + " is missing", Duration.ofSeconds(10));
    }
    JsonNode ref = content.path("spec").path("volumeSnapshotRef");
    String uid = vs.path("metadata").path("uid").asText();
    boolean sameName = ref.path("name").asText("").equals(vs.path("metadata").path("name").asText())
        && ref.path("namespace").asText("").equals(vs.path("metadata").path("namespace").asText());
    String refUid = ref.path("uid").asText("");
    if (!sameName || !refUid.isEmpty() && !refUid.equals(uid)) {
      return failed(v, out, now, "SnapshotContentMisbound", "VolumeSnapshotContent " + name + " is bound to a different snapshot",
          Duration.ofSeconds(30));
    }
    if (ref.path("uid").asText("").isEmpty()) {
      out.add(new BindContent(name, uid));
    }
    statusWrite(vs, statusFrom(vs, content, now), out);
    return Plan.of(out);
  }

  public static Plan content(ContentView v, Instant now) {
    ObjectNode c = v.content();
    List<SnapshotAction> out = new ArrayList<>();
    List<String> finalizers = finalizers(c);
    JsonNode spec = c.path("spec");
    String handle = c.path("status").path("snapshotHandle").asText(spec.path("source").path("snapshotHandle").asText(""));
    boolean delete = spec.path("deletionPolicy").asText("").equals("Delete");
    if (c.path("metadata").has("deletionTimestamp")) {
      if (finalizers.contains(CONTENT_BOUND)) {
        if (delete && !handle.isEmpty()) {
          out.add(new DeleteData(handle));
        }
        List<String> next = new ArrayList<>(finalizers);
        next.remove(CONTENT_BOUND);
        out.add(new ContentFinalizers(next));
      }
      return Plan.of(out);
    }
    if (!driverIsOurs(c)) {
      return Plan.of(out);
    }
    if (!finalizers.contains(CONTENT_BOUND)) {
      List<String> next = new ArrayList<>(finalizers);
      next.add(CONTENT_BOUND);
      out.add(new ContentFinalizers(next));
    }
    String boundUid = spec.path("volumeSnapshotRef").path("uid").asText("");
    boolean snapshotGone = v.snapshot() == null || !boundUid.isEmpty()
        && !boundUid.equals(v.snapshot().path("metadata").path("uid").asText());
    if (snapshotGone && !boundUid.isEmpty()) {
      // the snapshot it was bound to is gone: Delete removes the content (and so its data), Retain keeps both
      if (delete) {
        out.add(new DeleteContent(c.path("metadata").path("name").asText()));
      }
      return Plan.of(out);
    }
    String volume = spec.path("source").path("volumeHandle").asText("");
    if (!volume.isEmpty()) {
      if (c.path("status").path("readyToUse").asBoolean(false) || !c.path("status").path("snapshotHandle").asText("").isEmpty()) {
        return Plan.of(out);
      }
      if (v.pv() == null) {
        out.add(new ContentStatus(error(c.path("status"), "failed to take snapshot of the volume " + volume
            + ": the volume is gone", now)));
        return Plan.again(out, Duration.ofSeconds(30));
      }
      String node = pinnedNode(v.pv());
      if (!node.isEmpty() && !node.equals(v.nodeName())) {
        return Plan.again(out, Duration.ofSeconds(30)); // another node's volume; that node's controller copies it
      }
      out.add(new TakeSnapshot(volume));
      return Plan.of(out);
    }
    if (!c.path("status").path("readyToUse").asBoolean(false) || c.path("status").path("snapshotHandle").isMissingNode()) {
      ObjectNode status = c.path("status").isObject() ? ((ObjectNode) c.path("status")).deepCopy() : Json.object();
      status.put("snapshotHandle", handle);
      if (v.dataExists()) {
        status.put("readyToUse", true);
        status.remove("error");
        if (!status.has("creationTime")) {
          status.put("creationTime", nanos(now));
        }
      } else {
        status.put("readyToUse", false);
        status.set("error", errorNode("snapshot data " + handle + " not found on node " + v.nodeName(), now));
      }
      if (!status.equals(c.path("status"))) {
        out.add(new ContentStatus(status));
      }
      return v.dataExists() ? Plan.of(out) : Plan.again(out, Duration.ofSeconds(30));
    }
    return Plan.of(out);
  }

  /** The content's status after a copy of {@code bytes} taken at {@code at}. */
  public static ObjectNode takenStatus(String handle, long bytes, Instant at) {
    ObjectNode s = Json.object();
    s.put("snapshotHandle", handle).put("readyToUse", true).put("restoreSize", bytes).put("creationTime", nanos(at));
    return s;
  }

  /** The class named, or the default one of this driver (upstream: exactly one default per driver). */
  static Optional<ObjectNode> snapshotClass(JsonNode vs, Collection<ObjectNode> classes) {
    String named = vs.path("spec").path("volumeSnapshotClassName").asText("");
    if (!named.isEmpty()) {
      return classes.stream().filter(c -> c.path("metadata").path("name").asText().equals(named)).findFirst();
    }
    List<ObjectNode> defaults = classes.stream()
        .filter(c -> c.path("metadata").path("annotations").path(DEFAULT_CLASS).asText("").equals("true"))
        .filter(c -> c.path("driver").asText().equals(DRIVER)).toList();
    return defaults.size() == 1 ? Optional.of(defaults.get(0)) : Optional.empty();
  }

  private static ObjectNode newContent(ObjectNode vs, ObjectNode pv, ObjectNode cls) {
    ObjectNode c = Json.object();
    c.put("apiVersion", "snapshot.storage.k8s.io/v1").put("kind", "VolumeSnapshotContent");
    c.putObject("metadata").put("name", contentName(vs)).putArray("finalizers").add(CONTENT_BOUND);
    ObjectNode spec = c.putObject("spec");
    spec.put("deletionPolicy", cls.path("deletionPolicy").asText("Delete")).put("driver", cls.path("driver").asText());
    spec.put("volumeSnapshotClassName", cls.path("metadata").path("name").asText());
    spec.put("sourceVolumeMode", pv.path("spec").path("volumeMode").asText("Filesystem"));
    spec.putObject("source").put("volumeHandle", pv.path("metadata").path("name").asText());
    spec.putObject("volumeSnapshotRef").put("apiVersion", "snapshot.storage.k8s.io/v1").put("kind", "VolumeSnapshot")
        .put("namespace", vs.path("metadata").path("namespace").asText()).put("name", vs.path("metadata").path("name").asText())
        .put("uid", vs.path("metadata").path("uid").asText()).put("resourceVersion", vs.path("metadata").path("resourceVersion").asText());
    return c;
  }

  /** The snapshot's status as its content's says: upstream's updateSnapshotStatus. */
  private static ObjectNode statusFrom(ObjectNode vs, ObjectNode content, Instant now) {
    ObjectNode s = vs.path("status").isObject() ? ((ObjectNode) vs.path("status")).deepCopy() : Json.object();
    JsonNode cs = content.path("status");
    s.put("boundVolumeSnapshotContentName", content.path("metadata").path("name").asText());
    s.put("readyToUse", cs.path("readyToUse").asBoolean(false));
    if (cs.has("creationTime")) {
      s.put("creationTime", Instant.EPOCH.plusNanos(cs.path("creationTime").asLong()).toString());
    }
    if (cs.has("restoreSize")) {
      s.put("restoreSize", formatBytes(cs.path("restoreSize").asLong()));
    }
    if (cs.has("error")) {
      s.set("error", cs.path("error").deepCopy());
    } else {
      s.remove("error");
    }
    return s;
  }

  private static void statusWrite(ObjectNode vs, ObjectNode status, List<SnapshotAction> out) {
    if (status.equals(vs.path("status"))) {
      return;
    }
    out.add(new SnapshotStatus(status));
    String who = vs.path("metadata").path("namespace").asText() + "/" + vs.path("metadata").path("name").asText();
    if (status.has("creationTime") && !vs.path("status").has("creationTime")) {
      out.add(new Event("Normal", "SnapshotCreated", "Snapshot " + who + " was successfully created by the CSI driver."));
    }
    if (status.path("readyToUse").asBoolean(false) && !vs.path("status").path("readyToUse").asBoolean(false)) {
      out.add(new Event("Normal", "SnapshotReady", "Snapshot " + who + " is ready to use."));
    }
  }

  private static Plan failed(SnapshotView v, List<SnapshotAction> out, Instant now, String reason, String message, Duration again) {
    ObjectNode vs = v.snapshot();
    JsonNode old = vs.path("status").path("error").path("message");
    ObjectNode status = error(vs.path("status"), message, now);
    status.put("readyToUse", false);
    if (!old.asText("").equals(message)) {
      out.add(new SnapshotStatus(status));
      out.add(new Event("Warning", reason, message));
    }
    return Plan.again(out, again);
  }

  private static ObjectNode error(JsonNode status, String message, Instant now) {
    ObjectNode s = status.isObject() ? ((ObjectNode) status).deepCopy() : Json.object();
    s.set("error", errorNode(message, now));
    return s;
  }

  private static ObjectNode errorNode(String message, Instant now) {
    ObjectNode e = Json.object();
    e.put("message", message).put("time", now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    return e;
  }

  private static boolean driverIsOurs(JsonNode content) {
    return DRIVER.equals(content.path("spec").path("driver").asText(""));
  }

  private static String pinnedNode(JsonNode pv) {
    for (JsonNode term : pv.path("spec").path("nodeAffinity").path("required").path("nodeSelectorTerms")) {
      for (JsonNode e : term.path("matchExpressions")) {
        if (e.path("key").asText().equals("kubernetes.io/hostname") && e.path("values").size() == 1) {
          return e.path("values").get(0).asText();
        }
      }
    }
    return "";
  }

  static List<String> finalizers(JsonNode obj) {
    List<String> out = new ArrayList<>();
    obj.path("metadata").path("finalizers").forEach(f -> out.add(f.asText()));
    return out;
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /** Bytes as the largest binary unit that divides them, as a restoreSize quantity reads best. */
  static String formatBytes(long bytes) {
    String[] units = {"Ki", "Mi", "Gi", "Ti"};
    String unit = "";
    long n = bytes;
    for (String u : units) {
      if (n == 0 || n % 1024 != 0) {
        break;
      }
      n /= 1024;
      unit = u;
    }
    return n + unit;
  }
}
