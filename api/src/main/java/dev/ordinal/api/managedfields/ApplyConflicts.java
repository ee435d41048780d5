package dev.ordinal.api.managedfields;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An apply that would change fields other managers own, without {@code force}: upstream answers
 * 409 Conflict with one {@code FieldManagerConflict} cause per field.
 */
public final class ApplyConflicts extends RuntimeException {

  /**
   * One field another manager owns.
   *
   * @param manager how upstream prints the manager ({@code "kubectl-client-side-apply" using apps/v1})
   * @param field the path as upstream prints it ({@code .spec.replicas})
   */
  public record Conflict(String manager, String field) {
    /** The cause's message. */
    public String message() {
      return "conflict with " + manager;
    }
  }

  private final List<Conflict> conflicts;

  public ApplyConflicts(List<Conflict> conflicts) {
    super(message(conflicts));
    this.conflicts = List.copyOf(conflicts);
  }

  public List<Conflict> conflicts() {
    return conflicts;
  }

  /** Upstream's wording: one conflict inline, several grouped by manager. */
  static String message(List<Conflict> conflicts) {
    if (conflicts.size() == 1) {
      Conflict c = conflicts.get(0);
      return "Apply failed with 1 conflict: conflict with " + c.manager() + ": " + c.field();
    }
    Map<String, List<String>> byManager = new TreeMap<>();
    for (Conflict c : conflicts) {
      byManager.computeIfAbsent(c.manager(), k -> new ArrayList<>()).add(c.field());
    }
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : byManager.entrySet()) {
      lines.add("conflicts with " + e.getKey() + ":");
      for (String f : e.getValue()) {
        lines.add("- " + f);
      }
    }
    return "Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines);
  }
}
