package dev.ordinal.controllers.volume;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VolumeIndexTest {
  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  static ObjectNode pv(String name, String claim) {
    return obj("{'metadata':{'name':'" + name + "'},'spec':{" + (claim == null ? "" : "'claimRef':{'namespace':'d','name':'" + claim + "'}") + "}}");
  }

  @Test
  void offersAClaimItsPreBoundVolumesAndTheFreeOnesButNeverAnotherClaimsVolume() {
    VolumeIndex index = new VolumeIndex();
    Map<String, ObjectNode> all = new HashMap<>();
    for (ObjectNode v : new ObjectNode[] {pv("mine", "a"), pv("theirs", "b"), pv("free", null)}) {
      all.put(Meta.name(v), v);
      index.observe(null, v, false);
    }
    ObjectNode claimA = obj("{'metadata':{'name':'a','namespace':'d'}}");
    assertThat(index.candidatesFor(claimA, n -> Optional.ofNullable(all.get(n)))).extracting(Meta::name)
        .containsExactlyInAnyOrder("mine", "free");

    // "free" gets bound to b, "theirs" is deleted
    ObjectNode taken = pv("free", "b");
    index.observe(all.get("free"), taken, false);
    all.put("free", taken);
    index.observe(null, all.remove("theirs"), true);
    assertThat(index.candidatesFor(claimA, n -> Optional.ofNullable(all.get(n)))).extracting(Meta::name).containsExactly("mine");
    ObjectNode claimB = obj("{'metadata':{'name':'b','namespace':'d'}}");
    assertThat(index.candidatesFor(claimB, n -> Optional.ofNullable(all.get(n)))).extracting(Meta::name).containsExactly("free");
  }
}
