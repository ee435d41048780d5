package dev.ordinal.node.images;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An image in the local store: its unpacked layers (bottom first) and what its config says about
 * running it.
 *
 * @param user the config's User ("" for root)
 * @param stopSignal the config's StopSignal, such as {@code SIGQUIT} ("" for SIGTERM)
 * @param imageId what a container status shows as its imageID: {@code repo@sha256:<manifest>} for
 *     a pulled image or an OCI layout's, {@code sha256:<config>} for a {@code docker save} import
 * @param id the store's id of the image (its config digest's hex), what image GC counts as in use
 * @param source where it came from ({@code imported from …}, {@code pulled from https://…})
 */
public record StoredImage(String reference, List<Path> layers, List<String> entrypoint, List<String> cmd, Map<String, String> env,
    String workingDir, String user, String stopSignal, String imageId, String id, String source) {
  /** Whether it was imported by hand (no registry holds it). */
  public boolean imported() {
    return source.startsWith("imported");
  }
}
