package dev.ordinal.api.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Field ownership for the writes of one resource type, as upstream's fieldmanager: every create,
 * update and patch records an {@code Update} entry for its manager with the fields it changed
 * (taken from the other managers), and server-side apply records an {@code Apply} entry with the
 * fields of the configuration, merging it into the live object, removing the fields this manager
 * no longer applies and nobody else owns, and refusing changes to others' fields unless forced.
 */
public final class FieldManager {
  /** The manager client-side {@code kubectl apply} writes as; the one server-side apply migrates from. */
  public static final String CLIENT_SIDE_APPLY = "kubectl-client-side-apply";
  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  /** The manager upstream gives an object's fields that were there before managedFields were. */
  static final String BEFORE_FIRST_APPLY = "before-first-apply";
  static final String ANCIENT_CHANGES = "ancient-changes";
  static final int MAX_UPDATE_MANAGERS = 10;

  private final FieldSchema schema;
  private final String apiVersion;
  private final FieldSet mainIgnored;
  private final FieldSet statusIgnored;

  /**
   * @param hasStatus the type has a status subresource: writes to the main resource do not own
   *     status, writes to status do not own spec (upstream's reset fields)
   */
  public FieldManager(FieldSchema schema, String apiVersion, boolean hasStatus) {
    this.schema = schema;
    this.apiVersion = apiVersion;
    this.mainIgnored = ignored(hasStatus ? "status" : null);
    this.statusIgnored = ignored(hasStatus ? "spec" : null);
  }

  /** The fields no manager owns: type and system metadata, and the other half of a status split. */
  private static FieldSet ignored(String topLevel) {
    FieldSet s = new FieldSet();
    s.insert("f:apiVersion").insert("f:kind");
    for (String m : List.of("name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
        "selfLink", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds")) {
      s.insert("f:metadata", "f:" + m);
    }
    if (topLevel != null) {
      s.insert("f:" + topLevel);
    }
    return s;
  }

  /** The fields the main resource's writes do not own (for tests). */
  FieldSet ignoredForTest() {
    return mainIgnored;
  }

  private FieldSet ignoredFor(String subresource) {
    return subresource.equals("status") ? statusIgnored : mainIgnored;
  }

  // ---- Update

  /**
   * Records a create or update by {@code manager} on {@code updated} (in place). The entries are
   * the client's when it sent other valid ones than the live object's, none when it sent {@code
   * [{}]} (upstream's reset), else the live object's.
   *
   * @param old the live object, null for a create
   * @throws InvalidManagedFields when the client sent entries that are not valid
   */
  public void update(ObjectNode old, ObjectNode updated, String manager, String subresource, String now) {
    List<ManagedEntry> entries = decodeLiveOrNew(old, updated, !subresource.isEmpty());
    ObjectFields.Diff diff = ObjectFields.diff(old, updated, schema, ignoredFor(subresource));
    if (!diff.isEmpty()) {
      recordUpdate(entries, manager, subresource, diff, now);
    }
    encode(updated, entries);
  }

  private void recordUpdate(List<ManagedEntry> entries, String manager, String subresource, ObjectFields.Diff diff, String now) {
    ManagedEntry mine = null;
    for (int i = entries.size() - 1; i >= 0; i--) {
      ManagedEntry e = entries.get(i);
      if (e.sameOwner(manager, ManagedEntry.UPDATE, subresource)) {
        mine = e;
        continue;
      }
      FieldSet left = e.fields().minus(diff.changed(), diff.removed());
      if (left.isEmpty()) {
        entries.remove(i);
      } else if (!diff.removed().isEmpty() || !e.fields().intersection(diff.changed()).isEmpty()) {
        e.setFields(left, null, now);
      }
    }
    FieldSet next = mine == null ? new FieldSet() : mine.fields().copy();
    next.addAll(diff.changed());
    next = next.minus(null, diff.removed());
    if (mine == null) {
      if (!next.isEmpty()) {
        entries.add(new ManagedEntry(manager, ManagedEntry.UPDATE, subresource, apiVersion, now, next));
      }
    } else if (next.isEmpty()) {
      entries.remove(mine);
    } else {
      mine.setFields(next, apiVersion, now);
    }
    capUpdateManagers(entries, now);
  }

  /** Upstream keeps at most 10 Update managers; the oldest are merged into "ancient-changes". */
  private void capUpdateManagers(List<ManagedEntry> entries, String now) {
    List<ManagedEntry> updates = new ArrayList<>();
    for (ManagedEntry e : entries) {
      if (e.operation().equals(ManagedEntry.UPDATE) && e.subresource().isEmpty()) {
        updates.add(e);
      }
    }
    if (updates.size() <= MAX_UPDATE_MANAGERS) {
      return;
    }
    updates.sort(Comparator.comparing(e -> e.time() == null ? "" : e.time()));
    ManagedEntry ancient = null;
    for (ManagedEntry e : entries) {
      if (e.sameOwner(ANCIENT_CHANGES, ManagedEntry.UPDATE, "")) {
        ancient = e;
      }
    }
    FieldSet merged = ancient == null ? new FieldSet() : ancient.fields().copy();
    int excess = updates.size() - MAX_UPDATE_MANAGERS + (ancient == null ? 1 : 0);
    for (ManagedEntry e : updates) {
      if (excess <= 0) {
        break;
      }
      if (e == ancient) {
        continue;
      }
      merged.addAll(e.fields());
      entries.remove(e);
      excess--;
    }
    if (ancient == null) {
      entries.add(new ManagedEntry(ANCIENT_CHANGES, ManagedEntry.UPDATE, "", apiVersion, now, merged));
    } else {
      ancient.setFields(merged, null, now);
    }
  }

  // ---- Apply

  /**
   * The object after {@code manager} applies {@code config}: merged into {@code live} (null: the
   * object does not exist yet), with the fields the manager applied before and leaves out now
   * removed unless another manager owns them, and the managedFields that result. Another
   * manager's field that the configuration changes is a conflict unless {@code force}.
   *
   * @throws ApplyConflicts when fields of other managers would change and force is off
   * @throws IllegalArgumentException when the configuration is not valid for its schema
   */
  public ObjectNode apply(ObjectNode live, ObjectNode config, String manager, String subresource, boolean force, String now) {
    FieldSet ignored = ignoredFor(subresource);
    List<ManagedEntry> entries = new ArrayList<>();
    if (live != null) {
      entries = decode(live.path("metadata").get("managedFields"));
      if (!live.path("metadata").has("managedFields")) {
        // written before managedFields were kept: upstream gives what is there to before-first-apply
        FieldSet before = ObjectFields.diff(null, live, schema, ignored).changed();
        if (!before.isEmpty()) {
          entries.add(new ManagedEntry(BEFORE_FIRST_APPLY, ManagedEntry.UPDATE, "", apiVersion, now, before));
        }
      }
    }
    FieldSet applied = ObjectFields.applied(config, schema, ignored);
    ObjectNode merged = (ObjectNode) ObjectFields.merge(live, config, schema);
    if (live != null) {
      merged.with("metadata").set("managedFields", live.path("metadata").get("managedFields"));
      if (!live.path("metadata").has("managedFields")) {
        merged.with("metadata").remove("managedFields");
      }
    }
    ManagedEntry mine = null;
    FieldSet others = new FieldSet();
    for (ManagedEntry e : entries) {
      if (e.sameOwner(manager, ManagedEntry.APPLY, subresource)) {
        mine = e;
      } else {
        others.addAll(e.fields());
      }
    }
    String lastApplied = lastApplied(live);
    boolean syncLastApplied = manager.equals("kubectl") && lastApplied != null;
    if (mine != null) {
      FieldSet keep = others.copy();
      keep.addAll(applied);
      if (syncLastApplied) {
        keep.insert("f:metadata", "f:annotations", "f:" + LAST_APPLIED);
      }
      ObjectFields.prune(merged, schema, mine.fields().minus(applied), keep);
    }
    if (syncLastApplied) {
      ObjectNode recorded = config.deepCopy();
      JsonNode ann = recorded.path("metadata").path("annotations");
      if (ann instanceof ObjectNode a) {
        a.remove(LAST_APPLIED);
      }
      merged.with("metadata").with("annotations").put(LAST_APPLIED, Json.string(recorded));
    }
    ObjectFields.Diff diff = ObjectFields.diff(live, merged, schema, ignored);
    if (syncLastApplied) {
      // the annotation kubectl's client-side apply keeps is kept in step, not taken over
      FieldSet annotation = new FieldSet().insert("f:metadata", "f:annotations", "f:" + LAST_APPLIED);
      diff = new ObjectFields.Diff(diff.changed().minus(annotation), diff.removed());
    }
    List<ApplyConflicts.Conflict> conflicts = new ArrayList<>();
    for (ManagedEntry e : entries) {
      if (e == mine) {
        continue;
      }
      for (List<String> p : e.fields().intersection(diff.changed())) {
        conflicts.add(new ApplyConflicts.Conflict(e.printed(), Paths.print(p)));
      }
      for (List<String> p : e.fields().intersection(diff.removed())) {
        conflicts.add(new ApplyConflicts.Conflict(e.printed(), Paths.print(p)));
      }
    }
    if (!conflicts.isEmpty() && !force && !(manager.equals("kubectl") && lastApplied != null
        && allowedByLastApplied(live, lastApplied, entries, mine, diff))) {
      throw new ApplyConflicts(conflicts);
    }
    for (int i = entries.size() - 1; i >= 0; i--) {
      ManagedEntry e = entries.get(i);
      if (e == mine || conflicts.isEmpty()) {
        continue;
      }
      FieldSet left = e.fields().minus(diff.changed(), diff.removed());
      if (left.isEmpty()) {
        entries.remove(i);
      } else {
        e.setFields(left, null, now);
      }
    }
    if (mine == null) {
      mine = new ManagedEntry(manager, ManagedEntry.APPLY, subresource, apiVersion, now, new FieldSet());
      mine.setFields(applied, apiVersion, now);
      entries.add(mine);
    } else {
      mine.setFields(applied, apiVersion, now);
    }
    encode(merged, entries);
    return merged;
  }

  /**
   * Upstream's client-side-apply upgrade: kubectl's server-side apply may take the fields its
   * client-side apply set (the last-applied configuration, with the same live values) from
   * whoever owns them now.
   */
  private boolean allowedByLastApplied(ObjectNode live, String lastApplied, List<ManagedEntry> entries,
      ManagedEntry mine, ObjectFields.Diff diff) {
    JsonNode last;
    try {
      last = Json.MAPPER.readTree(lastApplied);
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
    if (!(last instanceof ObjectNode)) {
      return false;
    }
    FieldSet lastSet;
    try {
      lastSet = ObjectFields.applied(last, schema, mainIgnored);
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (ManagedEntry e : entries) {
      if (e == mine) {
        continue;
      }
      List<List<String>> paths = new ArrayList<>(e.fields().intersection(diff.changed()));
      paths.addAll(e.fields().intersection(diff.removed()));
      for (List<String> p : paths) {
        JsonNode was = ObjectFields.at(last, schema, p);
        JsonNode is = ObjectFields.at(live, schema, p);
        if (!lastSet.has(p) || was == null || is == null || !ObjectFields.same(was, is)) {
          return false;
        }
      }
    }
    return true;
  }

  private static String lastApplied(ObjectNode live) {
    if (live == null) {
      return null;
    }
    JsonNode v = live.path("metadata").path("annotations").get(LAST_APPLIED);
    return v == null || !v.isTextual() ? null : v.asText();
  }

  // ---- managedFields on objects

  private List<ManagedEntry> decodeLiveOrNew(ObjectNode live, ObjectNode updated, boolean subresourceWrite) {
    JsonNode liveFields = live == null ? null : live.path("metadata").get("managedFields");
    JsonNode sent = updated.path("metadata").get("managedFields");
    if (subresourceWrite || sent == null || sent.isNull() || (sent.isArray() && sent.isEmpty())
        || (liveFields != null && sent.equals(liveFields))) {
      return decode(liveFields);
    }
    if (sent.isArray() && sent.size() == 1 && sent.get(0).isObject() && sent.get(0).isEmpty()) {
      return new ArrayList<>(); // [{}]: the client resets managedFields
    }
    List<FieldError> errors = validate(sent);
    if (!errors.isEmpty()) {
      throw new InvalidManagedFields(errors);
    }
    return decode(sent);
  }

  /** Upstream's checks of client-sent entries, with their field paths. */
  static List<FieldError> validate(JsonNode sent) {
    List<FieldError> errors = new ArrayList<>();
    if (!sent.isArray()) {
      errors.add(FieldError.invalid("metadata.managedFields", null, "must be a list"));
      return errors;
    }
    for (int i = 0; i < sent.size(); i++) {
      JsonNode e = sent.get(i);
      String at = "metadata.managedFields[" + i + "]";
      String op = e.path("operation").asText("");
      if (!op.equals(ManagedEntry.APPLY) && !op.equals(ManagedEntry.UPDATE)) {
        errors.add(FieldError.notSupported(at + ".operation", op, List.of(ManagedEntry.APPLY, ManagedEntry.UPDATE)));
      }
      String type = e.path("fieldsType").asText("");
      if (!type.equals("FieldsV1")) {
        errors.add(FieldError.notSupported(at + ".fieldsType", type, List.of("FieldsV1")));
      }
      if (e.path("manager").asText("").length() > 128) {
        errors.add(FieldError.tooLong(at + ".manager", 128));
      }
      try {
        FieldSet.fromFieldsV1(e.get("fieldsV1"));
      } catch (IllegalArgumentException ex) {
        errors.add(FieldError.invalid(at + ".fieldsV1", null, ex.getMessage()));
      }
    }
    return errors;
  }

  private static List<ManagedEntry> decode(JsonNode managedFields) {
    List<ManagedEntry> out = new ArrayList<>();
    if (managedFields instanceof ArrayNode a) {
      for (JsonNode e : a) {
        if (e.isObject() && !e.isEmpty()) {
          out.add(ManagedEntry.read(e));
        }
      }
    }
    return out;
  }

  /** Writes the entries last in metadata, in upstream's order: Apply first, then by time and manager. */
  private static void encode(ObjectNode obj, List<ManagedEntry> entries) {
    ObjectNode meta = obj.with("metadata");
    meta.remove("managedFields");
    if (entries.isEmpty()) {
      return;
    }
    entries.sort(Comparator.comparing(ManagedEntry::operation)
        .thenComparing(e -> e.time() == null ? "" : e.time())
        .thenComparing(ManagedEntry::manager)
        .thenComparing(ManagedEntry::apiVersion)
        .thenComparing(ManagedEntry::subresource));
    ArrayNode a = meta.putArray("managedFields");
    for (ManagedEntry e : entries) {
      a.add(e.toJson());
    }
  }

  /** Client-sent managedFields that are not valid: a 422 with these field errors. */
  public static final class InvalidManagedFields extends RuntimeException {
    private final List<FieldError> errors;

    InvalidManagedFields(List<FieldError> errors) {
      super(errors.get(0).message());
      this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
      return errors;
    }
  }
}
