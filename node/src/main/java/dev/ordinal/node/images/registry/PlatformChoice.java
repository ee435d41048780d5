package dev.ordinal.node.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which entry of a manifest list or image index this node runs: {@code linux/amd64}. An entry
 * without a variant is preferred (it is what most indexes have), then the highest amd64
 * micro-architecture level ({@code v2}, {@code v3}, …) the CPU supports; attestation manifests
 * (BuildKit's {@code vnd.docker.reference.type: attestation-manifest}, platform
 * {@code unknown/unknown}) are never chosen.
 */
public final class PlatformChoice {
  public static final String OS = "linux";
  public static final String ARCHITECTURE = "amd64";

  private PlatformChoice() {}

  /** The chosen descriptor of {@code index.manifests}, empty when none fits. */
  public static Optional<JsonNode> choose(JsonNode index, int cpuLevel) {
    JsonNode best = null;
    int bestRank = Integer.MAX_VALUE;
    for (JsonNode desc : index.path("manifests")) {
      if (isAttestation(desc)) {
        continue;
      }
      JsonNode p = desc.path("platform");
      if (!OS.equals(p.path("os").asText()) || !ARCHITECTURE.equals(p.path("architecture").asText())) {
        continue;
      }
      int rank = rank(p.path("variant").asText(""), cpuLevel);
      if (rank < bestRank) {
        best = desc;
        bestRank = rank;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The platforms an index offers, for the message when none fits ({@code linux/arm64/v8, …}). */
  public static List<String> offered(JsonNode index) {
    List<String> out = new ArrayList<>();
    for (JsonNode desc : index.path("manifests")) {
      if (!isAttestation(desc)) {
        JsonNode p = desc.path("platform");
        String variant = p.path("variant").asText("");
        out.add(p.path("os").asText("?") + "/" + p.path("architecture").asText("?") + (variant.isEmpty() ? "" : "/" + variant));
      }
    }
    return out;
  }

  static boolean isAttestation(JsonNode desc) {
    return "attestation-manifest".equals(desc.path("annotations").path("vnd.docker.reference.type").asText())
        || "unknown".equals(desc.path("platform").path("os").asText());
  }

  /** Lower is better; {@code MAX_VALUE} for a variant this CPU cannot run. */
  private static int rank(String variant, int cpuLevel) {
    if (variant.isEmpty()) {
      return 0;
    }
    if (variant.matches("v[1-4]")) {
      int level = variant.charAt(1) - '0';
      return level <= cpuLevel ? 10 - level : Integer.MAX_VALUE;
    }
    return Integer.MAX_VALUE;
  }

  /** This CPU's x86-64 micro-architecture level, from the flags in {@code /proc/cpuinfo}. */
  public static int cpuLevel(String cpuinfo) {
    String flags = " ";
    for (String line : cpuinfo.split("\n")) {
      if (line.startsWith("flags")) {
        flags = " " + line.substring(line.indexOf(':') + 1).strip() + " ";
        break;
      }
    }
    int level = 1;
    if (hasAll(flags, "cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3")) {
      level = 2;
      if (hasAll(flags, "avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave")) {
        level = 3;
        if (hasAll(flags, "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl")) {
          level = 4;
        }
      }
    }
    return level;
  }

  private static boolean hasAll(String flags, String... wanted) {
    for (String w : wanted) {
      if (!flags.contains(" " + w + " ")) {
        return false;
      }
    }
    return true;
  }
}
