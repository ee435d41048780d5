package dev.ordinal.apiserver.printing;

import static dev.ordinal.apiserver.printing.Printer.col;
import static dev.ordinal.apiserver.printing.Printer.wide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** rbac.authorization.k8s.io/v1 with upstream's columns: roles by creation time, bindings by role and, wide, subjects. */
final class RbacPrinters {
  private RbacPrinters() {}

  static final TablePrinter ROLE = new Printer(List.of(
      Printer.NAME,
      col("Created At", "date", "CreationTimestamp is a timestamp representing the server time when this object was created."
          + " It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this"
          + " value. It is represented in RFC3339 form and is in UTC.")),
      (role, now) -> List.of(Cells.text(role, "metadata", "name"), Cells.text(role, "metadata", "creationTimestamp")));

  static final TablePrinter BINDING = new Printer(List.of(
      Printer.NAME,
      col("Role", "string", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
      Printer.AGE,
      wide("Users", "string", "Users in the roleBinding"),
      wide("Groups", "string", "Groups in the roleBinding"),
      wide("ServiceAccounts", "string", "ServiceAccounts in the roleBinding")),
      RbacPrinters::bindingRow);

  private static List<Object> bindingRow(ObjectNode b, Instant now) {
    List<String> users = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    List<String> serviceAccounts = new ArrayList<>();
    for (JsonNode s : b.path("subjects")) {
      switch (s.path("kind").asText("")) {
        case "User" -> users.add(s.path("name").asText());
        case "Group" -> groups.add(s.path("name").asText());
        case "ServiceAccount" -> serviceAccounts.add(s.path("namespace").asText("") + "/" + s.path("name").asText());
        default -> { }
      }
    }
    return List.of(Cells.text(b, "metadata", "name"),
        b.path("roleRef").path("kind").asText("") + "/" + b.path("roleRef").path("name").asText(""),
        Cells.age(b, now), String.join(", ", users), String.join(", ", groups), String.join(", ", serviceAccounts));
  }
}
