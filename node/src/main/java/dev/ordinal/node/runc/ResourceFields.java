package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** The downward API's resource fields ({@code limits.memory}, {@code requests.cpu}, …) of a container. */
final class ResourceFields {
  private ResourceFields() {}

  static String value(ObjectNode pod, JsonNode ref) {
    String containerName = ref.path("containerName").asText("");
    JsonNode container = null;
    for (JsonNode c : pod.path("spec").path("containers")) {
      if (containerName.isEmpty() || c.path("name").asText().equals(containerName)) {
        container = c;
        break;
      }
    }
    if (container == null) {
      return "";
    }
    String[] parts = ref.path("resource").asText().split("\\.", 2);
    if (parts.length != 2) {
      return "";
    }
    String q = container.path("resources").path(parts[0]).path(parts[1]).asText("");
    if (q.isEmpty()) {
      return parts[0].equals("limits") ? "" : "0";
    }
    BigDecimal amount = Quantity.getAmountInBytes(new Quantity(q));
    BigDecimal divisor = Quantity.getAmountInBytes(new Quantity(ref.path("divisor").asText("1")));
    return amount.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
  }
}
