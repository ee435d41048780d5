package dev.ordinal.node.images.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import org.junit.jupiter.api.Test;

class PlatformChoiceTest {
  private static String entry(String digest, String os, String arch, String variant, boolean attestation) {
    return "{\"digest\":\"" + digest + "\",\"platform\":{\"os\":\"" + os + "\",\"architecture\":\"" + arch + "\""
        + (variant.isEmpty() ? "" : ",\"variant\":\"" + variant + "\"") + "}"
        + (attestation ? ",\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"}" : "") + "}";
  }

  private static String choose(int cpuLevel, String... entries) throws Exception {
    JsonNode index = Json.MAPPER.readTree("{\"manifests\":[" + String.join(",", entries) + "]}");
    return PlatformChoice.choose(index, cpuLevel).map(d -> d.path("digest").asText()).orElse("none");
  }

  @Test
  void choosesLinuxAmd64() throws Exception {
    Object[][] cases = {
        {3, new String[] {entry("arm", "linux", "arm64", "v8", false), entry("amd", "linux", "amd64", "", false)}, "amd"},
        {3, new String[] {entry("att", "unknown", "unknown", "", false), entry("amd", "linux", "amd64", "", false)}, "amd"},
        {3, new String[] {entry("att", "linux", "amd64", "", true), entry("amd", "linux", "amd64", "", false)}, "amd"},
        {3, new String[] {entry("arm", "linux", "arm64", "", false)}, "none"},
        {3, new String[] {entry("win", "windows", "amd64", "", false)}, "none"},
        {3, new String[] {entry("v2", "linux", "amd64", "v2", false), entry("v3", "linux", "amd64", "v3", false)}, "v3"},
        {2, new String[] {entry("v2", "linux", "amd64", "v2", false), entry("v3", "linux", "amd64", "v3", false)}, "v2"},
        {1, new String[] {entry("v3", "linux", "amd64", "v3", false)}, "none"},
        {3, new String[] {entry("v3", "linux", "amd64", "v3", false), entry("plain", "linux", "amd64", "", false)}, "plain"},
    };
    for (Object[] c : cases) {
      assertThat(choose((int) c[0], (String[]) c[1])).as(String.join(" ", (String[]) c[1])).isEqualTo(c[2]);
    }
  }

  @Test
  void readsTheCpuLevel() {
    assertThat(PlatformChoice.cpuLevel("flags\t: fpu sse2\n")).isEqualTo(1);
    assertThat(PlatformChoice.cpuLevel("flags\t: cx16 lahf_lm popcnt sse4_1 sse4_2 ssse3\n")).isEqualTo(2);
  }
}
