package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The defaults Kubernetes fills into a pod spec (pods and the templates of workloads). */
final class PodSpecDefaults {
  private PodSpecDefaults() {}

  static void apply(ObjectNode spec) {
    Defaults.put(spec, "restartPolicy", "Always");
    Defaults.put(spec, "dnsPolicy", "ClusterFirst");
    Defaults.put(spec, "schedulerName", "default-scheduler");
    Defaults.put(spec, "terminationGracePeriodSeconds", 30);
    Defaults.put(spec, "enableServiceLinks", true);
    Defaults.object(spec, "securityContext");
    for (String list : new String[] {"initContainers", "containers"}) {
      for (ObjectNode c : Defaults.elements(spec, list)) {
        container(c);
      }
    }
    for (ObjectNode v : Defaults.elements(spec, "volumes")) {
      volume(v);
    }
  }

  private static void container(ObjectNode c) {
    Defaults.put(c, "terminationMessagePath", "/dev/termination-log");
    Defaults.put(c, "terminationMessagePolicy", "File");
    Defaults.put(c, "imagePullPolicy", pullPolicy(c.path("image").asText("")));
    for (ObjectNode p : Defaults.elements(c, "ports")) {
      Defaults.put(p, "protocol", "TCP");
    }
    for (ObjectNode e : Defaults.elements(c, "env")) {
      ObjectNode ref = Defaults.existing(e.path("valueFrom"), "fieldRef");
      if (ref != null) {
        Defaults.put(ref, "apiVersion", "v1");
      }
    }
    for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
      ObjectNode p = Defaults.existing(c, probe);
      if (p != null) {
        Defaults.put(p, "timeoutSeconds", 1);
        Defaults.put(p, "periodSeconds", 10);
        Defaults.put(p, "successThreshold", 1);
        Defaults.put(p, "failureThreshold", 3);
        ObjectNode http = Defaults.existing(p, "httpGet");
        if (http != null) {
          Defaults.put(http, "path", "/");
          Defaults.put(http, "scheme", "HTTP");
        }
      }
    }
  }

  /**
   * Upstream's SetDefaults_Container: {@code Always} when the reference's tag is {@code latest},
   * which an untagged reference without a digest has by default ({@code parsers.ParseImageName});
   * {@code IfNotPresent} otherwise, including a digest without a tag and a reference Docker's
   * parser refuses (empty, upper case in the path), whose error upstream ignores here.
   */
  static String pullPolicy(String image) {
    if (image.isEmpty() || !image.strip().equals(image) || image.chars().anyMatch(Character::isWhitespace)) {
      return "IfNotPresent";
    }
    int at = image.indexOf('@');
    String name = at < 0 ? image : image.substring(0, at);
    boolean digest = at >= 0;
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    String tag = colon > slash ? name.substring(colon + 1) : "";
    String path = colon > slash ? name.substring(0, colon) : name;
    int firstSlash = path.indexOf('/');
    String first = firstSlash < 0 ? "" : path.substring(0, firstSlash);
    boolean hasDomain = first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase());
    String remainder = hasDomain ? path.substring(firstSlash + 1) : path;
    if (remainder.isEmpty() || !remainder.equals(remainder.toLowerCase(java.util.Locale.ROOT))) {
      return "IfNotPresent"; // "repository name must be lowercase": no tag to go by
    }
    if (tag.isEmpty() && !digest) {
      tag = "latest";
    }
    return tag.equals("latest") ? "Always" : "IfNotPresent";
  }

  private static void volume(ObjectNode v) {
    for (String source : new String[] {"configMap", "secret", "downwardAPI", "projected"}) {
      ObjectNode s = Defaults.existing(v, source);
      if (s != null) {
        Defaults.put(s, "defaultMode", 420);
      }
    }
    ObjectNode hostPath = Defaults.existing(v, "hostPath");
    if (hostPath != null) {
      Defaults.put(hostPath, "type", "");
    }
    if (v.size() == 1 && v.has("name")) {
      v.putObject("emptyDir");
    }
  }
}
