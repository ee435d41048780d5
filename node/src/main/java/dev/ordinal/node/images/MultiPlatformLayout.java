package dev.ordinal.node.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.images.registry.Digests;
import dev.ordinal.node.images.registry.MediaTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An OCI image index written as an OCI layout, for tests and benchmarks (with
 * {@link LocalRegistry}; not used by Ordinal itself): images of a {@link LocalRegistry#ociLayout}
 * each claimed for a platform (its config's {@code os}/{@code architecture} rewritten, so an image
 * "for arm64" is really the host's busybox saying something else: a wrong choice shows in its
 * output, not as an exec format error), and optionally an attestation manifest as BuildKit adds
 * one (platform {@code unknown/unknown}, annotation
 * {@code vnd.docker.reference.type: attestation-manifest}, an in-toto layer). The layout is then
 * pushed with {@code skopeo copy --all}.
 */
public final class MultiPlatformLayout {
  /** One entry: the image of the source layout's {@code tag}, claimed for {@code os/architecture} (and {@code variant}, or ""). */
  public record Entry(String tag, String os, String architecture, String variant) {}

  public static final String IN_TOTO = "application/vnd.in-toto+json";

  private MultiPlatformLayout() {}

  /**
   * Writes into {@code target} (a new directory) a layout whose tag {@code tag} is an index of
   * {@code entries}, taken from the layout {@code source}; with {@code attestation}, an
   * attestation manifest for the first entry follows the images, as BuildKit orders them.
   */
  public static Path write(Path source, Path target, String tag, List<Entry> entries, boolean attestation) throws IOException {
    Unpacker.deleteTree(target);
    Files.createDirectories(target.resolve("blobs/sha256"));
    Files.writeString(target.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    JsonNode sourceIndex = Json.MAPPER.readTree(source.resolve("index.json").toFile());
    ObjectNode index = Json.object();
    index.put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    String firstDigest = null;
    for (Entry e : entries) {
      JsonNode desc = find(sourceIndex, e.tag());
      ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(blob(source, desc.path("digest").asText()));
      ObjectNode config = (ObjectNode) Json.MAPPER.readTree(blob(source, manifest.path("config").path("digest").asText()));
      config.put("os", e.os()).put("architecture", e.architecture());
      if (!e.variant().isEmpty()) {
        config.put("variant", e.variant());
      }
      ObjectNode configDesc = (ObjectNode) manifest.path("config");
      byte[] configBytes = Json.MAPPER.writeValueAsBytes(config);
      configDesc.put("digest", put(target, configBytes)).put("size", configBytes.length);
      for (JsonNode layer : manifest.path("layers")) {
        put(target, blob(source, layer.path("digest").asText()));
      }
      byte[] manifestBytes = Json.MAPPER.writeValueAsBytes(manifest);
      String digest = put(target, manifestBytes);
      firstDigest = firstDigest == null ? digest : firstDigest;
      ObjectNode d = manifests.addObject();
      d.put("mediaType", MediaTypes.OCI_MANIFEST).put("digest", digest).put("size", manifestBytes.length);
      ObjectNode platform = d.putObject("platform");
      platform.put("architecture", e.architecture()).put("os", e.os());
      if (!e.variant().isEmpty()) {
        platform.put("variant", e.variant());
      }
    }
    if (attestation && firstDigest != null) {
      manifests.add(attestation(target, firstDigest));
    }
    byte[] indexBytes = Json.MAPPER.writeValueAsBytes(index);
    String indexDigest = put(target, indexBytes);
    ObjectNode layout = Json.object();
    layout.put("schemaVersion", 2);
    ObjectNode top = layout.putArray("manifests").addObject();
    top.put("mediaType", MediaTypes.OCI_INDEX).put("digest", indexDigest).put("size", indexBytes.length);
    top.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
    Files.write(target.resolve("index.json"), Json.MAPPER.writeValueAsBytes(layout));
    return target;
  }

  /** BuildKit's attestation manifest for the image {@code subject}: an in-toto statement as its one layer. */
  private static ObjectNode attestation(Path target, String subject) throws IOException {
    byte[] statement = ("{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"predicateType\":\"https://spdx.dev/Document\","
        + "\"subject\":[],\"predicate\":{\"spdxVersion\":\"SPDX-2.3\"}}").getBytes();
    String statementDigest = put(target, statement);
    ObjectNode config = Json.object();
    config.put("architecture", "unknown").put("os", "unknown");
    config.putObject("config");
    config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(statementDigest);
    byte[] configBytes = Json.MAPPER.writeValueAsBytes(config);
    ObjectNode manifest = Json.object();
    manifest.put("schemaVersion", 2).put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json").put("digest", put(target, configBytes))
        .put("size", configBytes.length);
    ObjectNode layer = manifest.putArray("layers").addObject();
    layer.put("mediaType", IN_TOTO).put("digest", statementDigest).put("size", statement.length);
    layer.putObject("annotations").put("in-toto.io/predicate-type", "https://spdx.dev/Document");
    byte[] manifestBytes = Json.MAPPER.writeValueAsBytes(manifest);
    ObjectNode d = Json.object();
    d.put("mediaType", MediaTypes.OCI_MANIFEST).put("digest", put(target, manifestBytes)).put("size", manifestBytes.length);
    d.putObject("annotations").put("vnd.docker.reference.digest", subject).put("vnd.docker.reference.type", "attestation-manifest");
    d.putObject("platform").put("architecture", "unknown").put("os", "unknown");
    return d;
  }

  private static JsonNode find(JsonNode index, String tag) throws IOException {
    for (JsonNode d : index.path("manifests")) {
      if (tag.equals(d.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
        return d;
      }
    }
    throw new IOException("no image tagged " + tag + " in the layout");
  }

  private static byte[] blob(Path layout, String digest) throws IOException {
    return Files.readAllBytes(layout.resolve("blobs/sha256").resolve(Digests.hex(digest)));
  }

  private static String put(Path layout, byte[] bytes) throws IOException {
    String digest = Digests.sha256(bytes);
    Path f = layout.resolve("blobs/sha256").resolve(Digests.hex(digest));
    if (!Files.exists(f)) {
      Files.write(f, bytes);
    }
    return digest;
  }
}
