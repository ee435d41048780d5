package dev.ordinal.apiserver.openapi;

import java.util.Map;
import java.util.Set;

/** The names Kubernetes gives its OpenAPI definitions, for the fabric8 model classes. */
final class SchemaNames {
  private static final String MODEL = "io.fabric8.kubernetes.api.model";
  private static final Set<String> META = Set.of("ObjectMeta", "ListMeta", "LabelSelector", "LabelSelectorRequirement",
      "OwnerReference", "ManagedFieldsEntry", "Status", "StatusDetails", "StatusCause", "Condition", "DeleteOptions",
      "Preconditions", "FieldsV1", "APIResource", "APIResourceList", "Time", "MicroTime");
  private static final Map<String, String> PACKAGES = Map.of(
      MODEL + ".apps", "io.k8s.api.apps.v1",
      MODEL + ".autoscaling.v1", "io.k8s.api.autoscaling.v1",
      MODEL + ".coordination.v1", "io.k8s.api.coordination.v1",
      MODEL + ".discovery.v1", "io.k8s.api.discovery.v1",
      MODEL + ".events.v1", "io.k8s.api.events.v1",
      MODEL + ".storage", "io.k8s.api.storage.v1");

  private SchemaNames() {}

  static String of(Class<?> c) {
    String simple = c.getSimpleName();
    String pkg = c.getPackageName();
    if (pkg.equals(MODEL)) {
      if (simple.equals("IntOrString")) {
        return "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
      }
      if (simple.equals("Quantity")) {
        return "io.k8s.apimachinery.pkg.api.resource.Quantity";
      }
      return META.contains(simple) ? "io.k8s.apimachinery.pkg.apis.meta.v1." + simple : "io.k8s.api.core.v1." + simple;
    }
    String mapped = PACKAGES.get(pkg);
    return mapped != null ? mapped + "." + simple : pkg.replace(MODEL, "io.k8s.api") + "." + simple;
  }
}
