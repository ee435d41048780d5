package dev.ordinal.api.selector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A field selector: comma-joined {@code field=value}, {@code field==value} and
 * {@code field!=value} over dotted paths of the object's JSON. A missing field reads as "".
 * Each kind supports only some fields, as in Kubernetes; {@link #checkSupported} enforces that.
 */
public final class FieldSelector {
  private static final Set<String> COMMON = Set.of("metadata.name", "metadata.namespace");
  private static final Map<String, Set<String>> BY_KIND = Map.of(
      "Pod", Set.of("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
          "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"),
      "Event", Set.of("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
          "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
          "reportingComponent", "source", "type"),
      "Node", Set.of("spec.unschedulable"),
      "Secret", Set.of("type"),
      "Namespace", Set.of("status.phase"),
      "PersistentVolumeClaim", Set.of("status.phase"),
      "PersistentVolume", Set.of("status.phase"),
      "StatefulSet", Set.of("status.successful"));

  private record Term(String field, boolean equal, String value) {}

  private final List<Term> terms;

  private FieldSelector(List<Term> terms) {
    this.terms = terms;
  }

  /** @throws SelectorException when a term has no operator */
  public static FieldSelector parse(String text) {
    List<Term> out = new ArrayList<>();
    for (String raw : text.split(",")) {
      String t = raw.trim();
      if (t.isEmpty()) {
        continue;
      }
      int ne = t.indexOf("!=");
      int eq = t.indexOf('=');
      if (ne > 0) {
        out.add(new Term(t.substring(0, ne).trim(), false, t.substring(ne + 2).trim()));
      } else if (eq > 0) {
        String v = t.startsWith("==", eq) ? t.substring(eq + 2) : t.substring(eq + 1);
        out.add(new Term(t.substring(0, eq).trim(), true, v.trim()));
      } else {
        throw new SelectorException("invalid selector: '" + text + "'; can't understand '" + t + "'");
      }
    }
    return new FieldSelector(out);
  }

  /** @throws SelectorException "field label not supported: x" for a field the kind cannot select on */
  public void checkSupported(String kind) {
    Set<String> extra = BY_KIND.getOrDefault(kind, Set.of());
    for (Term t : terms) {
      if (!COMMON.contains(t.field()) && !extra.contains(t.field())) {
        throw new SelectorException("field label not supported: " + t.field());
      }
    }
  }

  public boolean matches(ObjectNode obj) {
    for (Term t : terms) {
      if (read(obj, t.field()).equals(t.value()) != t.equal()) {
        return false;
      }
    }
    return true;
  }

  private static String read(ObjectNode obj, String path) {
    JsonNode n = obj;
    for (String part : path.split("\\.")) {
      n = n.path(part);
    }
    if (n.isMissingNode() || n.isNull()) {
      return "";
    }
    return n.isValueNode() ? n.asText() : n.toString();
  }

  /** The name when the selector is exactly {@code metadata.name=X}, so a list can look one object up. */
  public Optional<String> singleName() {
    if (terms.size() == 1 && terms.get(0).equal() && terms.get(0).field().equals("metadata.name")) {
      return Optional.of(terms.get(0).value());
    }
    return Optional.empty();
  }

  public boolean isEmpty() {
    return terms.isEmpty();
  }
}
