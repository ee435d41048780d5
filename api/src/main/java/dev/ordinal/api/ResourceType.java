package dev.ordinal.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Set;

/**
 * One kind of object the API serves, as discovery describes it: where it lives (group, version,
 * plural), what it is called, whether it is namespaced, and which subresources it has.
 *
 * @param group API group, "" for the core group
 * @param modelClass the fabric8 model type; used for OpenAPI schemas and typed access, never for
 *     storage (objects are stored as JSON so nothing a client sent is lost)
 * @param subresources e.g. "status", "scale", "log", "exec", "binding"
 */
public record ResourceType(
    String group,
    String version,
    String plural,
    String singular,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    Set<String> subresources,
    Class<? extends HasMetadata> modelClass) {

  /** "v1" for the core group, "apps/v1" otherwise. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  public String listKind() {
    return kind + "List";
  }

  public boolean hasStatus() {
    return subresources.contains("status");
  }

  /** "pods" for the core group, "statefulsets.apps" otherwise, as RBAC and kubectl name them. */
  public String qualifiedName() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** Storage key prefix for all objects of this type, ending in '/'. */
  public String keyPrefix() {
    return "/registry/" + (group.isEmpty() ? "core" : group) + "/" + plural + "/";
  }

  /** Storage key of one object; namespace is ignored for cluster-scoped types. */
  public String key(String namespace, String name) {
    return namespaced ? keyPrefix() + namespace + "/" + name : keyPrefix() + name;
  }

  /** Storage key prefix of the objects of one namespace (or all, when namespace is null). */
  public String keyPrefix(String namespace) {
    return namespaced && namespace != null ? keyPrefix() + namespace + "/" : keyPrefix();
  }
}
