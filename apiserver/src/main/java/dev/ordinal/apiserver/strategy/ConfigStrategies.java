package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** ConfigMaps and Secrets: key rules, the 1 MiB limit, Secret types and stringData. */
final class ConfigStrategies {
  private static final long MAX_BYTES = 1024 * 1024;

  private ConfigStrategies() {}

  static final ResourceStrategy CONFIG_MAP = new ResourceStrategy() {
    @Override
    public List<FieldError> validateCreate(ObjectNode cm) {
      Errors errs = new Errors();
      Set<String> keys = new HashSet<>();
      long size = keys(cm.path("data"), "data", keys, errs, false) + keys(cm.path("binaryData"), "binaryData", keys, errs, false);
      if (size > MAX_BYTES) {
        errs.add(new FieldError("", FieldError.Type.TOO_LONG, null, "must have at most " + MAX_BYTES + " bytes"));
      }
      return errs.list();
    }
  };

  static final ResourceStrategy SECRET = new ResourceStrategy() {
    @Override
    public void applyDefaults(ObjectNode secret) {
      Defaults.put(secret, "type", "Opaque");
      // stringData is write-only: merged into data (base64) and never stored, as Kubernetes does
      JsonNode stringData = secret.remove("stringData");
      if (stringData != null && stringData.isObject()) {
        ObjectNode data = Defaults.object(secret, "data");
        stringData.fields().forEachRemaining(e -> data.put(e.getKey(),
            Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
      }
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode secret) {
      Errors errs = new Errors();
      long size = keys(secret.path("data"), "data", new HashSet<>(), errs, true);
      if (size > MAX_BYTES) {
        errs.add(new FieldError("data", FieldError.Type.TOO_LONG, null, "must have at most " + MAX_BYTES + " bytes"));
      }
      return errs.list();
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode secret, ObjectNode old) {
      List<FieldError> errs = new java.util.ArrayList<>(validateCreate(secret));
      if (!secret.path("type").equals(old.path("type"))) {
        errs.add(FieldError.invalid("type", secret.path("type").asText(), "field is immutable"));
      }
      return errs;
    }
  };

  /** Checks the keys of a data map; returns the bytes it holds. */
  private static long keys(JsonNode map, String path, Set<String> seen, Errors errs, boolean base64) {
    long[] size = {0};
    if (!map.isObject()) {
      return 0;
    }
    map.fields().forEachRemaining(e -> {
      errs.invalidAll(path + "[" + e.getKey() + "]", e.getKey(), NameRules.configKey(e.getKey()));
      if (!seen.add(e.getKey())) {
        errs.invalid(path + "[" + e.getKey() + "]", e.getKey(), "duplicate of key present in data");
      }
      String v = e.getValue().asText();
      if (base64) {
        try {
          size[0] += Base64.getDecoder().decode(v).length;
        } catch (IllegalArgumentException ex) {
          errs.invalid(path + "[" + e.getKey() + "]", "<secret contents redacted>", "illegal base64 data");
        }
      } else {
        size[0] += v.length();
      }
    });
    return size[0];
  }
}
