package dev.ordinal.apiserver.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.api.FieldError;
import dev.ordinal.api.Json;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VolumeDeviceValidationTest {
  record Case(String name, String container, List<String> errors) {}

  @Test
  void devicesNameClaimsAtUniquePaths() {
    String volumes = "\"volumes\":[{\"name\":\"blk\",\"persistentVolumeClaim\":{\"claimName\":\"c\"}},{\"name\":\"tmp\",\"emptyDir\":{}},"
        + "{\"name\":\"blk2\",\"persistentVolumeClaim\":{\"claimName\":\"d\"}}]";
    List<Case> cases = List.of(
        new Case("a claim at a path", "{\"volumeDevices\":[{\"name\":\"blk\",\"devicePath\":\"/dev/xvda\"}]}", List.of()),
        new Case("a template claim", "{\"volumeDevices\":[{\"name\":\"tpl\",\"devicePath\":\"/dev/xvda\"}]}", List.of()),
        new Case("not a claim", "{\"volumeDevices\":[{\"name\":\"tmp\",\"devicePath\":\"/dev/xvda\"}]}",
            List.of("spec.containers[0].volumeDevices[0].name: Invalid value: \"tmp\": can only use volume source type of "
                + "PersistentVolumeClaim or Ephemeral for block mode")),
        new Case("mounted too", "{\"volumeMounts\":[{\"name\":\"blk\",\"mountPath\":\"/data\"}],"
            + "\"volumeDevices\":[{\"name\":\"blk\",\"devicePath\":\"/dev/xvda\"}]}",
            List.of("spec.containers[0].volumeDevices[0].name: Invalid value: \"blk\": can not be used as both a volumeMount and a volumeDevice")),
        new Case("one path twice", "{\"volumeDevices\":[{\"name\":\"blk\",\"devicePath\":\"/dev/xvda\"},{\"name\":\"blk2\",\"devicePath\":\"/dev/xvda\"}]}",
            List.of("spec.containers[0].volumeDevices[1].devicePath: Invalid value: \"/dev/xvda\": must be unique")),
        new Case("backsteps and no name", "{\"volumeDevices\":[{\"devicePath\":\"/dev/../etc\"}]}",
            List.of("spec.containers[0].volumeDevices[0].name: Required value",
                "spec.containers[0].volumeDevices[0].devicePath: Invalid value: \"/dev/../etc\": can not contain backsteps ('..')")));
    for (Case c : cases) {
      var spec = Json.parseObject(("{" + volumes + ",\"containers\":[" + c.container() + "]}").getBytes());
      Errors errs = new Errors();
      VolumeDeviceValidation.validate(spec, "spec", VolumeDeviceValidation.claimVolumes(spec, Set.of("tpl")), errs);
      assertThat(errs.list().stream().map(FieldError::message).toList()).as(c.name()).isEqualTo(c.errors());
    }
  }
}
