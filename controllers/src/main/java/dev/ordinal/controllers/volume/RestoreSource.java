package dev.ordinal.controllers.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import java.time.Duration;
import java.util.Optional;

/**
 * The snapshot a claim is to be restored from, as external-provisioner finds it: the claim's
 * {@code dataSourceRef} (else {@code dataSource}) of kind VolumeSnapshot in
 * {@code snapshot.storage.k8s.io}, in the claim's namespace, ready, not being deleted, bound to a
 * content with a snapshot handle, and no larger than the claim asks for. Anything short of that
 * is {@link NotReady}, with upstream's message, and the claim waits.
 */
public final class RestoreSource {
  public static final String GROUP = "snapshot.storage.k8s.io";

  /** The snapshot's data: its handle on the host and its size. */
  public record Source(String snapshot, String handle, long restoreSize) {}

  /** Why the claim cannot be provisioned yet, and when to look again. */
  public static final class NotReady extends Exception {
    private final Duration retryAfter;

    NotReady(String message, Duration retryAfter) {
      super(message);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  private RestoreSource() {}

  /** The snapshot the claim names, if it names one. */
  public static Optional<String> snapshotName(JsonNode claim) {
    JsonNode spec = claim.path("spec");
    for (String field : new String[] {"dataSourceRef", "dataSource"}) {
      JsonNode ds = spec.path(field);
      if (ds.isObject() && ds.path("kind").asText("").equals("VolumeSnapshot") && ds.path("apiGroup").asText("").equals(GROUP)) {
        String ns = ds.path("namespace").asText("");
        if (!ns.isEmpty() && !ns.equals(claim.path("metadata").path("namespace").asText())) {
          return Optional.empty(); // cross-namespace sources need ReferenceGrants, not served here
        }
        return Optional.of(ds.path("name").asText(""));
      }
    }
    return Optional.empty();
  }

  static Optional<Source> of(Client client, ObjectNode claim) throws NotReady {
    Optional<String> name = snapshotName(claim);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    String ns = Meta.namespace(claim);
    String prefix = "error getting handle for DataSource Type VolumeSnapshot by Name " + name.get() + ": ";
    ObjectNode snapshot = client.find(Types.VOLUME_SNAPSHOTS, ns, name.get()).orElseThrow(() ->
        new NotReady(prefix + "error getting snapshot " + name.get() + " from api server: volumesnapshots.snapshot.storage.k8s.io \""
            + name.get() + "\" not found", Duration.ofSeconds(5)));
    if (Meta.isDeleting(snapshot)) {
      throw new NotReady(prefix + "snapshot " + name.get() + " is currently being deleted", Duration.ofSeconds(10));
    }
    JsonNode status = snapshot.path("status");
    if (!status.path("readyToUse").asBoolean(false)) {
      throw new NotReady(prefix + "snapshot " + name.get() + " is not Ready", Duration.ofSeconds(2));
    }
    String contentName = status.path("boundVolumeSnapshotContentName").asText("");
    ObjectNode content = contentName.isEmpty() ? null : client.find(Types.VOLUME_SNAPSHOT_CONTENTS, null, contentName).orElse(null);
    String handle = content == null ? "" : content.path("status").path("snapshotHandle").asText("");
    if (handle.isEmpty()) {
      throw new NotReady(prefix + "snapshot handle of snapshot content " + contentName + " is not available", Duration.ofSeconds(2));
    }
    long restoreSize = status.path("restoreSize").isMissingNode() ? 0 : Quantities.bytes(status.path("restoreSize").asText("0"));
    long requested = Quantities.bytes(claim.path("spec").path("resources").path("requests").path("storage").asText("0"));
    if (requested < restoreSize) {
      throw new NotReady("requested volume size " + requested + " is less than the size " + restoreSize
          + " for the source snapshot " + name.get(), Duration.ofSeconds(30));
    }
    return Optional.of(new Source(name.get(), handle, restoreSize));
  }
}
