package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockDevicesTest {
  @TempDir Path tmp;

  @Test
  void aDeviceBecomesANodeAndAnAllowRule() throws Exception {
    Path sys = Files.createDirectories(tmp.resolve("sys/null"));
    Files.writeString(sys.resolve("dev"), "1:3\n");
    ObjectNode container = Json.parseObject("{\"volumeDevices\":[{\"name\":\"data\",\"devicePath\":\"/dev/xvda\"}]}".getBytes());
    List<BlockDevices.Device> devices = BlockDevices.of(container, Map.of("data", Path.of("/dev/null")), tmp.resolve("sys"));
    assertThat(devices).containsExactly(new BlockDevices.Device(Path.of("/dev/null"), "/dev/xvda", 1, 3));

    ObjectNode oci = Json.parseObject("{\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}}".getBytes());
    BlockDevices.add(oci, devices);
    assertThat(oci.path("linux").path("devices").toString())
        .isEqualTo("[{\"path\":\"/dev/xvda\",\"type\":\"b\",\"major\":1,\"minor\":3,\"fileMode\":432,\"uid\":0,\"gid\":0}]");
    assertThat(oci.path("linux").path("resources").path("devices").toString())
        .isEqualTo("[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}]");
  }

  @Test
  void aFilesystemVolumeIsNotADevice() {
    ObjectNode container = Json.parseObject("{\"volumeDevices\":[{\"name\":\"data\",\"devicePath\":\"/dev/xvda\"}]}".getBytes());
    assertThatThrownBy(() -> BlockDevices.of(container, Map.of("data", tmp), tmp))
        .isInstanceOf(ConfigError.class).hasMessage("volume \"data\" has volumeMode Filesystem, but is specified in volumeDevices");
    assertThatThrownBy(() -> BlockDevices.of(container, Map.of(), tmp)).isInstanceOf(ConfigError.class)
        .hasMessageContaining("not available");
  }
}
