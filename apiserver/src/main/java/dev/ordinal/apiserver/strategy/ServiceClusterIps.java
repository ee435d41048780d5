package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * A Service's linked address fields ({@code clusterIP}, {@code clusterIPs}, {@code ipFamilies},
 * {@code ipFamilyPolicy}) as upstream's service registry treats them on create and update
 * (pkg/registry/core/service: patchAllocatedValues, normalizeClusterIPs, dropTypeDependentFields;
 * pkg/apis/core/validation: validateUpgradeDowngradeClusterIPs). Single-stack IPv4 only: Ordinal's
 * service range is one IPv4 range, so a Service has at most one address. Pure: works on the specs'
 * JSON in place; the allocation itself is the registry's.
 */
final class ServiceClusterIps {
  static final String NONE = "None";
  static final String EXTERNAL_NAME = "ExternalName";

  private ServiceClusterIps() {}

  /** ExternalName Services have no cluster IP; every other type has one (or is headless). */
  static boolean needsClusterIp(JsonNode spec) {
    return !spec.path("type").asText("ClusterIP").equals(EXTERNAL_NAME);
  }

  /** On create, a client that sets only {@code clusterIP} (old clients, most manifests) gets it as {@code clusterIPs}. */
  static void normalizeForCreate(ObjectNode spec) {
    if (!clusterIp(spec).isEmpty() && clusterIps(spec).isEmpty()) {
      spec.putArray("clusterIPs").add(clusterIp(spec));
    }
  }

  /**
   * Prepares an update: keeps the allocated address when the new spec omits it (a manifest
   * re-submitted by {@code kubectl replace}), keeps {@code clusterIPs} in step with a changed
   * {@code clusterIP}, and clears the address fields of a Service that becomes ExternalName
   * unless the client changed them too (then validation refuses the update).
   */
  static void prepareForUpdate(ObjectNode spec, JsonNode oldSpec) {
    patchAllocatedValues(spec, oldSpec);
    normalizeForUpdate(spec, oldSpec);
    dropTypeDependentFields(spec, oldSpec);
  }

  private static void patchAllocatedValues(ObjectNode spec, JsonNode oldSpec) {
    if (!needsClusterIp(oldSpec) || !needsClusterIp(spec)) {
      return;
    }
    if (clusterIp(spec).isEmpty() && !clusterIp(oldSpec).isEmpty()) {
      spec.put("clusterIP", clusterIp(oldSpec));
    }
    if (clusterIps(spec).isEmpty() && !clusterIps(oldSpec).isEmpty()) {
      spec.set("clusterIPs", oldSpec.get("clusterIPs").deepCopy());
    }
  }

  private static void normalizeForUpdate(ObjectNode spec, JsonNode oldSpec) {
    String ip = clusterIp(spec);
    String oldIp = clusterIp(oldSpec);
    // a client that sent clusterIP but not clusterIPs (and kept the address) meant to keep both
    if (!clusterIps(oldSpec).isEmpty() && clusterIps(spec).isEmpty() && oldIp.equals(ip)) {
      spec.set("clusterIPs", oldSpec.get("clusterIPs").deepCopy());
    }
    if (oldIp.equals(ip)) {
      return;
    }
    boolean sameList = clusterIps(oldSpec).equals(clusterIps(spec));
    if (!oldIp.isEmpty() && ip.isEmpty()) {
      if (sameList) {
        spec.remove("clusterIPs"); // cleared on the client's behalf
      }
    } else if (sameList) {
      setList(spec, "clusterIPs", List.of(ip)); // clusterIP changed alone: validation decides
    }
  }

  private static void dropTypeDependentFields(ObjectNode spec, JsonNode oldSpec) {
    if (!needsClusterIp(oldSpec) || needsClusterIp(spec)) {
      return;
    }
    // "None" counts as a value: a headless Service that becomes ExternalName loses it too
    if (clusterIp(spec).equals(clusterIp(oldSpec)) && clusterIps(spec).equals(clusterIps(oldSpec))) {
      spec.remove("clusterIP");
      spec.remove("clusterIPs");
    }
    if (strings(spec, "ipFamilies").equals(strings(oldSpec, "ipFamilies"))) {
      spec.remove("ipFamilies");
    }
    if (spec.path("ipFamilyPolicy").asText("").equals(oldSpec.path("ipFamilyPolicy").asText(""))) {
      spec.remove("ipFamilyPolicy");
    }
  }

  /** The address rules of one spec, create and update alike. */
  static void validate(JsonNode spec, Errors errs) {
    if (!needsClusterIp(spec)) {
      // upstream counts on clusterIPs following clusterIP; where they do not (a changed address
      // that is not in the list), the address is refused all the same rather than stored unused
      if (!clusterIps(spec).isEmpty() || !clusterIp(spec).isEmpty()) {
        errs.forbidden("spec.clusterIPs", "may not be set for ExternalName services");
      }
      if (!strings(spec, "ipFamilies").isEmpty()) {
        errs.forbidden("spec.ipFamilies", "may not be set for ExternalName services");
      }
      if (spec.hasNonNull("ipFamilyPolicy")) {
        errs.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services");
      }
      String cname = spec.path("externalName").asText("");
      cname = cname.endsWith(".") ? cname.substring(0, cname.length() - 1) : cname;
      if (cname.isEmpty()) {
        errs.required("spec.externalName", "");
      } else {
        errs.invalidAll("spec.externalName", cname, NameRules.dns1123Subdomain(cname));
      }
      return;
    }
    List<String> ips = clusterIps(spec);
    if (!clusterIp(spec).isEmpty()) {
      if (ips.isEmpty()) {
        errs.required("spec.clusterIPs", "");
      } else if (!ips.get(0).equals(clusterIp(spec))) {
        errs.invalid("spec.clusterIPs", new GoStrings(ips), "first value must match `clusterIP`");
      }
    } else if (!ips.isEmpty()) {
      errs.invalid("spec.clusterIPs", new GoStrings(ips), "must be empty when `clusterIP` is not specified");
    }
    if (ips.size() > 1) {
      errs.invalid("spec.clusterIPs", new GoStrings(ips), "may only hold one address: the service range is single-stack IPv4");
    }
  }

  /** An address, once set, stays; leaving ExternalName or becoming it is the one way to change it. */
  static List<FieldError> validateUpdate(JsonNode spec, JsonNode oldSpec) {
    List<FieldError> errs = new ArrayList<>();
    if (!needsClusterIp(spec) || !needsClusterIp(oldSpec)) {
      return errs;
    }
    if (clusterIp(spec).equals(NONE) && clusterIp(oldSpec).equals(NONE)) {
      return errs;
    }
    List<String> ips = clusterIps(spec);
    List<String> old = clusterIps(oldSpec);
    if (old.size() == ips.size()) {
      for (int i = 0; i < old.size(); i++) {
        if (!old.get(i).equals(ips.get(i))) {
          errs.add(FieldError.invalid("spec.clusterIPs[" + i + "]", new GoStrings(ips), "may not change once set"));
        }
      }
    } else if (old.size() > ips.size()) {
      if (ips.isEmpty()) {
        errs.add(FieldError.invalid("spec.clusterIPs[0]", new GoStrings(ips), "primary clusterIP can not be unset"));
      } else if (!ips.get(0).equals(old.get(0))) {
        errs.add(FieldError.invalid("spec.clusterIPs[0]", new GoStrings(ips), "may not change once set"));
      }
    } else if (!old.isEmpty() && !ips.get(0).equals(old.get(0))) {
      errs.add(FieldError.invalid("spec.clusterIPs[0]", new GoStrings(ips), "may not change once set"));
    }
    return errs;
  }

  static String clusterIp(JsonNode spec) {
    return spec.path("clusterIP").asText("");
  }

  static List<String> clusterIps(JsonNode spec) {
    return strings(spec, "clusterIPs");
  }

  private static List<String> strings(JsonNode spec, String field) {
    List<String> out = new ArrayList<>();
    spec.path(field).forEach(n -> out.add(n.asText()));
    return out;
  }

  private static void setList(ObjectNode spec, String field, List<String> values) {
    ArrayNode a = spec.putArray(field);
    values.forEach(a::add);
  }

  /** A string list rendered as Go's %#v renders a []string in field errors: {@code []string{"a"}}. */
  record GoStrings(List<String> values) {
    @Override
    public String toString() {
      if (values.isEmpty()) {
        return "[]string(nil)";
      }
      return "[]string{" + String.join(", ", values.stream().map(v -> "\"" + v + "\"").toList()) + "}";
    }
  }
}
