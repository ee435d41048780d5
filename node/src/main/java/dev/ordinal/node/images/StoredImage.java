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
 */
public record StoredImage(String reference, List<Path> layers, List<String> entrypoint, List<String> cmd, Map<String, String> env,
    String workingDir, String user, String stopSignal) {}
