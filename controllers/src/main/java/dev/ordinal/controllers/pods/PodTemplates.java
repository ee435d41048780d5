package dev.ordinal.controllers.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;

/** Pods made from an owner's pod template, as Kubernetes' {@code GetPodFromTemplate}. Pure. */
public final class PodTemplates {
  private PodTemplates() {}

  /**
   * A new pod of {@code owner}: the template's labels, annotations, finalizers and spec, named
   * {@code <owner>-<5 random characters>} by the API server (generateName), controlled by the owner.
   */
  public static ObjectNode newPod(ObjectNode owner, JsonNode template) {
    ObjectNode pod = Json.object();
    pod.put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode meta = pod.putObject("metadata");
    meta.put("generateName", generateNamePrefix(Meta.name(owner)));
    meta.put("namespace", Meta.namespace(owner));
    JsonNode templateMeta = template.path("metadata");
    for (String f : new String[] {"labels", "annotations"}) {
      meta.set(f, templateMeta.path(f).isObject() ? templateMeta.path(f).deepCopy() : Json.object());
    }
    if (templateMeta.path("finalizers").isArray()) {
      meta.set("finalizers", templateMeta.path("finalizers").deepCopy());
    }
    meta.putArray("ownerReferences").add(ControllerRefs.ownerReference(owner));
    pod.set("spec", template.path("spec").isObject() ? template.path("spec").deepCopy() : Json.object());
    return pod;
  }

  /** {@code <name>-}, shortened so that the generated name fits in a DNS subdomain's 63 characters. */
  static String generateNamePrefix(String ownerName) {
    String prefix = ownerName + "-";
    return prefix.length() > 58 ? prefix.substring(0, 58) : prefix;
  }
}
