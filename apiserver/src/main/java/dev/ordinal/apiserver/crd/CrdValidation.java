package dev.ordinal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.apiserver.crd.schema.StructuralCheck;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition defaults and validation, with upstream's field
 * paths and wording (apiextensions-apiserver's validation.go). Pure; works on the CRD's JSON.
 */
public final class CrdValidation {
  private static final Pattern DNS1035 = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern VERSION = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  private CrdValidation() {}

  /** Upstream's defaults: singular and listKind from kind, conversion None, served columns' priority. */
  public static void applyDefaults(ObjectNode crd) {
    ObjectNode spec = crd.with("spec");
    ObjectNode names = spec.with("names");
    String kind = names.path("kind").asText("");
    if (!names.hasNonNull("singular") && !kind.isEmpty()) {
      names.put("singular", kind.toLowerCase(Locale.ROOT));
    }
    if (!names.hasNonNull("listKind") && !kind.isEmpty()) {
      names.put("listKind", kind + "List");
    }
    if (!spec.path("conversion").isObject()) {
      spec.putObject("conversion").put("strategy", "None");
    }
  }

  public static List<FieldError> validateCreate(ObjectNode crd) {
    List<FieldError> out = new ArrayList<>();
    JsonNode spec = crd.path("spec");
    String group = spec.path("group").asText("");
    String plural = spec.path("names").path("plural").asText("");
    String name = crd.path("metadata").path("name").asText("");
    if (!name.equals(plural + "." + group)) {
      out.add(FieldError.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
    }
    if (group.isEmpty()) {
      out.add(FieldError.required("spec.group", ""));
    } else if (!DNS1123_SUBDOMAIN.matcher(group).matches()) {
      out.add(FieldError.invalid("spec.group", group, "a lowercase RFC 1123 subdomain must consist of lower case "
          + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"));
    } else if (!group.contains(".")) {
      out.add(FieldError.invalid("spec.group", group, "should be a domain with at least one dot"));
    }
    String scope = spec.path("scope").asText("");
    if (scope.isEmpty()) {
      out.add(FieldError.required("spec.scope", ""));
    } else if (!scope.equals("Namespaced") && !scope.equals("Cluster")) {
      out.add(FieldError.notSupported("spec.scope", scope, List.of("Cluster", "Namespaced")));
    }
    versions(spec.path("versions"), out);
    names(spec.path("names"), "spec.names", out);
    String strategy = spec.path("conversion").path("strategy").asText("None");
    if (!strategy.equals("None")) {
      out.add(FieldError.notSupported("spec.conversion.strategy", strategy, List.of("None")));
    }
    storedVersions(crd, out);
    return out;
  }

  public static List<FieldError> validateUpdate(ObjectNode crd, ObjectNode old) {
    List<FieldError> out = validateCreate(crd);
    if (!crd.path("spec").path("scope").equals(old.path("spec").path("scope"))) {
      out.add(FieldError.invalid("spec.scope", crd.path("spec").path("scope").asText(""), "field is immutable"));
    }
    if (!crd.path("spec").path("names").path("plural").equals(old.path("spec").path("names").path("plural"))) {
      out.add(FieldError.invalid("spec.names.plural", crd.path("spec").path("names").path("plural").asText(""), "field is immutable"));
    }
    return out;
  }

  private static void versions(JsonNode versions, List<FieldError> out) {
    int storage = 0;
    Set<String> seen = new HashSet<>();
    boolean unique = true;
    for (int i = 0; i < versions.size(); i++) {
      JsonNode v = versions.get(i);
      String path = "spec.versions[" + i + "]";
      String name = v.path("name").asText("");
      if (!VERSION.matcher(name).matches()) {
        out.add(FieldError.invalid(path + ".name", name, "a DNS-1035 label must consist of lower case alphanumeric "
            + "characters or '-', start with an alphabetic character, and end with an alphanumeric character"));
      }
      unique &= seen.add(name);
      if (v.path("storage").asBoolean(false)) {
        storage++;
      }
      JsonNode schema = v.path("schema").path("openAPIV3Schema");
      if (!schema.isObject()) {
        out.add(FieldError.required(path + ".schema.openAPIV3Schema", "schemas are required"));
      } else {
        out.addAll(StructuralCheck.check(schema, path + ".schema.openAPIV3Schema"));
      }
      int c = 0;
      for (JsonNode col : v.path("additionalPrinterColumns")) {
        String cp = path + ".additionalPrinterColumns[" + c++ + "]";
        if (col.path("name").asText("").isEmpty()) {
          out.add(FieldError.required(cp + ".name", ""));
        }
        String type = col.path("type").asText("");
        if (!List.of("integer", "number", "string", "boolean", "date").contains(type)) {
          out.add(FieldError.notSupported(cp + ".type", type, List.of("boolean", "date", "integer", "number", "string")));
        }
        if (col.path("jsonPath").asText("").isEmpty()) {
          out.add(FieldError.required(cp + ".jsonPath", ""));
        }
      }
      JsonNode scale = v.path("subresources").path("scale");
      if (scale.isObject()) {
        String specPath = scale.path("specReplicasPath").asText("");
        if (specPath.isEmpty()) {
          out.add(FieldError.required(path + ".subresources.scale.specReplicasPath", ""));
        } else if (!specPath.startsWith(".spec.")) {
          out.add(FieldError.invalid(path + ".subresources.scale.specReplicasPath", specPath, "should be a json path under .spec"));
        }
        String statusPath = scale.path("statusReplicasPath").asText("");
        if (statusPath.isEmpty()) {
          out.add(FieldError.required(path + ".subresources.scale.statusReplicasPath", ""));
        } else if (!statusPath.startsWith(".status.")) {
          out.add(FieldError.invalid(path + ".subresources.scale.statusReplicasPath", statusPath, "should be a json path under .status"));
        }
      }
    }
    if (!unique) {
      out.add(FieldError.invalid("spec.versions", versions.toString(), "must contain unique version names"));
    }
    if (storage != 1) {
      out.add(FieldError.invalid("spec.versions", versions.isMissingNode() ? "null" : versions.toString(),
          "must have exactly one version marked as storage version"));
    }
  }

  private static void names(JsonNode names, String path, List<FieldError> out) {
    for (String f : List.of("plural", "singular", "kind", "listKind")) {
      String v = names.path(f).asText("");
      if (v.isEmpty()) {
        out.add(FieldError.required(path + "." + f, ""));
        continue;
      }
      boolean mixedCase = f.equals("kind") || f.equals("listKind");
      if (!DNS1035.matcher(mixedCase ? v.toLowerCase(Locale.ROOT) : v).matches()) {
        out.add(FieldError.invalid(path + "." + f, v, mixedCase
            ? "may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-'"
            : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, "
                + "and end with an alphanumeric character"));
      }
    }
    if (!names.path("kind").asText("").isEmpty() && names.path("kind").asText().equals(names.path("listKind").asText())) {
      out.add(FieldError.invalid(path + ".listKind", names.path("listKind").asText(), "kind and listKind may not be the same"));
    }
    int i = 0;
    for (JsonNode s : names.path("shortNames")) {
      if (!DNS1035.matcher(s.asText()).matches()) {
        out.add(FieldError.invalid(path + ".shortNames[" + i + "]", s.asText(), "a DNS-1035 label must consist of lower case "
            + "alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"));
      }
      i++;
    }
  }

  private static void storedVersions(ObjectNode crd, List<FieldError> out) {
    Set<String> versions = new HashSet<>();
    crd.path("spec").path("versions").forEach(v -> versions.add(v.path("name").asText()));
    int i = 0;
    for (JsonNode sv : crd.path("status").path("storedVersions")) {
      if (!versions.contains(sv.asText())) {
        out.add(FieldError.invalid("status.storedVersions[" + i + "]", sv.asText(), "must appear in spec.versions"));
      }
      i++;
    }
  }
}
