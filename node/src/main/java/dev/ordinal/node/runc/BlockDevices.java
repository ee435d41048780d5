package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A container's {@code volumeDevices}: each claim's block device (a Block volume's loop device, or
 * the device a hand-made Block PV names) made as a device node at its {@code devicePath} and allowed
 * in the container's device cgroup, as kubelet's block volume mapper gives it (read, write, mknod).
 */
final class BlockDevices {
  /** One device: the host's node and its numbers, and where the container sees it. */
  record Device(Path host, String devicePath, int major, int minor) {}

  private BlockDevices() {}

  /** The devices a container asks for, from the pod's volumes as the node prepared them. */
  static List<Device> of(JsonNode container, Map<String, Path> podVolumes, Path sysBlock) throws ConfigError {
    List<Device> out = new ArrayList<>();
    for (JsonNode d : container.path("volumeDevices")) {
      String name = d.path("name").asText();
      Path host = podVolumes.get(name);
      if (host == null) {
        throw new ConfigError("volume \"" + name + "\" is not available on this node");
      }
      int[] numbers = numbers(host, sysBlock);
      if (numbers == null) {
        throw new ConfigError("volume \"" + name + "\" has volumeMode Filesystem, but is specified in volumeDevices");
      }
      out.add(new Device(host, d.path("devicePath").asText(), numbers[0], numbers[1]));
    }
    return out;
  }

  /** Adds the devices to an OCI config: the nodes under linux.devices, an allow rule each after the deny-all. */
  static void add(ObjectNode oci, List<Device> devices) {
    if (devices.isEmpty()) {
      return;
    }
    ObjectNode linux = oci.with("linux");
    ArrayNode nodes = linux.withArray("devices");
    ArrayNode rules = linux.with("resources").withArray("devices");
    for (Device d : devices) {
      nodes.addObject().put("path", d.devicePath()).put("type", "b").put("major", d.major()).put("minor", d.minor())
          .put("fileMode", 0660).put("uid", 0).put("gid", 0);
      rules.addObject().put("allow", true).put("type", "b").put("major", d.major()).put("minor", d.minor()).put("access", "rwm");
    }
  }

  /**
   * A block device's major and minor numbers from sysfs ({@code /sys/class/block/<name>/dev} holds
   * "7:3"), or null when the path is not a block device (a Filesystem volume's directory).
   */
  static int[] numbers(Path device, Path sysBlock) {
    try {
      Path real = device.toRealPath();
      if (real.getParent() == null || !real.getParent().toString().equals("/dev")) {
        return null;
      }
      Path dev = sysBlock.resolve(real.getFileName().toString()).resolve("dev");
      if (!Files.isRegularFile(dev)) {
        return null;
      }
      String[] mm = Files.readString(dev).strip().split(":");
      return new int[] {Integer.parseInt(mm[0]), Integer.parseInt(mm[1])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
