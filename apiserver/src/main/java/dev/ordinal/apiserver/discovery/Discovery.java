package dev.ordinal.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discovery documents kubectl reads to learn what the server serves: the legacy ones
 * ({@code APIVersions}, {@code APIGroupList}, {@code APIResourceList}) and the aggregated
 * {@code apidiscovery.k8s.io/v2 APIGroupDiscoveryList}. All are derived from the catalogue.
 */
public final class Discovery {
  /** The Content-Type of an aggregated discovery answer; clients ignore one without these parameters. */
  public static String aggregatedContentType(String version) {
    return "application/json;g=apidiscovery.k8s.io;v=" + version + ";as=APIGroupDiscoveryList";
  }

  private static final List<String> OBJECT_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  private final ResourceCatalog catalog;

  public Discovery(ResourceCatalog catalog) {
    this.catalog = catalog;
  }

  /** {@code GET /api}. */
  public ObjectNode coreVersions(String serverAddress) {
    ObjectNode o = Json.object();
    o.put("kind", "APIVersions");
    o.putArray("versions").add("v1");
    o.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
    return o;
  }

  /** {@code GET /apis}. */
  public ObjectNode groups() {
    ObjectNode o = Json.object();
    o.put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = o.putArray("groups");
    for (Map.Entry<String, List<String>> g : namedGroups().entrySet()) {
      groups.add(group(g.getKey(), g.getValue()));
    }
    return o;
  }

  /** {@code GET /apis/{group}}, or null when the group is not served. */
  public ObjectNode group(String name) {
    List<String> versions = namedGroups().get(name);
    if (versions == null) {
      return null;
    }
    ObjectNode g = group(name, versions);
    g.put("kind", "APIGroup").put("apiVersion", "v1");
    return g;
  }

  private static ObjectNode group(String name, List<String> versions) {
    ObjectNode g = Json.object();
    g.put("name", name);
    ArrayNode vs = g.putArray("versions");
    for (String v : versions) {
      vs.addObject().put("groupVersion", name + "/" + v).put("version", v);
    }
    g.putObject("preferredVersion").put("groupVersion", name + "/" + versions.get(0)).put("version", versions.get(0));
    return g;
  }

  private Map<String, List<String>> namedGroups() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ResourceType t : catalog.all()) {
      if (!t.group().isEmpty()) {
        List<String> vs = out.computeIfAbsent(t.group(), k -> new ArrayList<>());
        if (!vs.contains(t.version())) {
          vs.add(t.version());
        }
      }
    }
    for (ServedElsewhere.GroupVersion g : ServedElsewhere.ALL) {
      out.computeIfAbsent(g.group(), k -> new ArrayList<>()).add(g.version());
    }
    return out;
  }

  /** {@code GET /api/v1} or {@code /apis/{group}/{version}}, or null when not served. */
  public ObjectNode resources(String group, String version) {
    List<ResourceType> types = catalog.inGroupVersion(group, version);
    ServedElsewhere.GroupVersion elsewhere = ServedElsewhere.find(group, version);
    if (elsewhere != null) {
      return elsewhere(elsewhere);
    }
    if (types.isEmpty()) {
      return null;
    }
    ObjectNode o = Json.object();
    o.put("kind", "APIResourceList").put("apiVersion", "v1");
    o.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode list = o.putArray("resources");
    for (ResourceType t : types) {
      ObjectNode r = list.addObject();
      r.put("name", t.plural()).put("singularName", t.singular()).put("namespaced", t.namespaced()).put("kind", t.kind());
      strings(r.putArray("verbs"), OBJECT_VERBS);
      if (!t.shortNames().isEmpty()) {
        strings(r.putArray("shortNames"), t.shortNames());
      }
      if (!t.categories().isEmpty()) {
        strings(r.putArray("categories"), t.categories());
      }
      for (Subresources.Sub s : Subresources.of(t)) {
        ObjectNode sr = list.addObject();
        sr.put("name", t.plural() + "/" + s.name()).put("singularName", "").put("namespaced", t.namespaced());
        if (!s.group().equals(t.group()) || !s.version().equals(t.version())) {
          sr.put("group", s.group()).put("version", s.version());
        }
        sr.put("kind", s.kind());
        strings(sr.putArray("verbs"), s.verbs());
      }
    }
    return o;
  }

  private static ObjectNode elsewhere(ServedElsewhere.GroupVersion g) {
    ObjectNode o = Json.object();
    o.put("kind", "APIResourceList").put("apiVersion", "v1").put("groupVersion", g.group() + "/" + g.version());
    ArrayNode list = o.putArray("resources");
    for (ServedElsewhere.Resource r : g.resources()) {
      ObjectNode ro = list.addObject();
      ro.put("name", r.plural()).put("singularName", r.singular()).put("namespaced", r.namespaced()).put("kind", r.kind());
      strings(ro.putArray("verbs"), r.verbs());
    }
    return o;
  }

  /**
   * {@code GET /api} (core=true) or {@code /apis} with the aggregated Accept type; {@code version}
   * is v2 or v2beta1, whose documents have the same shape.
   */
  public ObjectNode aggregated(boolean core, String version) {
    ObjectNode o = Json.object();
    o.put("kind", "APIGroupDiscoveryList").put("apiVersion", "apidiscovery.k8s.io/" + version);
    o.putObject("metadata");
    ArrayNode items = o.putArray("items");
    if (core) {
      items.add(aggregatedGroup("", List.of("v1")));
    } else {
      namedGroups().forEach((g, vs) -> items.add(aggregatedGroup(g, vs)));
    }
    return o;
  }

  private ObjectNode aggregatedGroup(String group, List<String> versions) {
    ObjectNode g = Json.object();
    g.putObject("metadata").put("name", group);
    ArrayNode vs = g.putArray("versions");
    for (String v : versions) {
      ObjectNode vo = vs.addObject();
      vo.put("version", v);
      ArrayNode rs = vo.putArray("resources");
      ServedElsewhere.GroupVersion elsewhere = ServedElsewhere.find(group, v);
      if (elsewhere != null) {
        for (ServedElsewhere.Resource er : elsewhere.resources()) {
          ObjectNode r = rs.addObject();
          r.put("resource", er.plural());
          kind(r.putObject("responseKind"), group, v, er.kind());
          r.put("scope", er.namespaced() ? "Namespaced" : "Cluster");
          r.put("singularResource", er.singular().isEmpty() ? er.plural().replaceAll("s$", "") : er.singular());
          strings(r.putArray("verbs"), er.verbs());
        }
      }
      for (ResourceType t : catalog.inGroupVersion(group, v)) {
        ObjectNode r = rs.addObject();
        r.put("resource", t.plural());
        kind(r.putObject("responseKind"), t.group(), t.version(), t.kind());
        r.put("scope", t.namespaced() ? "Namespaced" : "Cluster");
        r.put("singularResource", t.singular());
        strings(r.putArray("verbs"), OBJECT_VERBS);
        if (!t.shortNames().isEmpty()) {
          strings(r.putArray("shortNames"), t.shortNames());
        }
        if (!t.categories().isEmpty()) {
          strings(r.putArray("categories"), t.categories());
        }
        List<Subresources.Sub> subs = Subresources.of(t);
        if (!subs.isEmpty()) {
          ArrayNode sa = r.putArray("subresources");
          for (Subresources.Sub s : subs) {
            ObjectNode so = sa.addObject();
            so.put("subresource", s.name());
            kind(so.putObject("responseKind"), s.group(), s.version(), s.kind());
            strings(so.putArray("verbs"), s.verbs());
          }
        }
      }
      vo.put("freshness", "Current");
    }
    return g;
  }

  private static void kind(ObjectNode o, String group, String version, String kind) {
    o.put("group", group).put("version", version).put("kind", kind);
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }
}
