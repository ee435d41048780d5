package dev.ordinal.node.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Who a container's process runs as, decided as kubelet and containerd decide it, in one place for
 * every runtime: the pod's securityContext merged with the container's (the container's
 * {@code runAsUser}, {@code runAsGroup} and {@code runAsNonRoot} win, as upstream's
 * {@code DetermineEffectiveSecurityContext}), the image's USER where neither says, kubelet's
 * {@code verifyRunAsNonRoot} with its exact messages, and the additional groups: the primary group,
 * then the pod's {@code fsGroup}, then its {@code supplementalGroups}.
 */
public final class ProcessIdentity {
  private ProcessIdentity() {}

  /** The process's credentials. */
  public record Identity(long uid, long gid, List<Long> additionalGids) {}

  /**
   * What an image says about its user (OCI config {@code User}: {@code user}, {@code user:group},
   * names or numbers); {@link #UNKNOWN} where the runtime has no image to ask (the simulated one).
   */
  public record ImageUser(String user, String group, boolean known) {
    public static final ImageUser UNKNOWN = new ImageUser("", "", false);

    public static ImageUser of(String spec) {
      String s = spec == null ? "" : spec.strip();
      int colon = s.indexOf(':');
      return colon < 0 ? new ImageUser(s, "", true) : new ImageUser(s.substring(0, colon), s.substring(colon + 1), true);
    }

    /** The numeric uid, as containerd reports it to kubelet: none named means root; a name has none. */
    OptionalLong uid() {
      if (user.isEmpty()) {
        return OptionalLong.of(0);
      }
      return numeric(user);
    }
  }

  /** The image's user and group databases (its /etc/passwd and /etc/group). */
  public interface Users {
    Users NONE = new Users() {
      @Override
      public OptionalLong uid(String name) {
        return OptionalLong.empty();
      }

      @Override
      public OptionalLong primaryGid(long uid) {
        return OptionalLong.empty();
      }

      @Override
      public OptionalLong gid(String group) {
        return OptionalLong.empty();
      }
    };

    OptionalLong uid(String name);

    OptionalLong primaryGid(long uid);

    OptionalLong gid(String group);
  }

  /** The container cannot be created as configured: kubelet's CreateContainerConfigError, with this message. */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  /** The pod's and the container's settings merged, null where neither says. */
  public record Effective(Long runAsUser, Long runAsGroup, Boolean runAsNonRoot) {
    public static Effective of(JsonNode pod, JsonNode container) {
      JsonNode p = pod.path("spec").path("securityContext");
      JsonNode c = container.path("securityContext");
      return new Effective(longOf(c, p, "runAsUser"), longOf(c, p, "runAsGroup"),
          c.path("runAsNonRoot").isBoolean() ? Boolean.valueOf(c.path("runAsNonRoot").asBoolean())
              : p.path("runAsNonRoot").isBoolean() ? Boolean.valueOf(p.path("runAsNonRoot").asBoolean()) : null);
    }

    private static Long longOf(JsonNode container, JsonNode pod, String field) {
      JsonNode v = container.path(field).isIntegralNumber() ? container.path(field) : pod.path(field);
      return v.isIntegralNumber() ? v.asLong() : null;
    }
  }

  /** kubelet's {@code verifyRunAsNonRoot}: nothing when the container may run, else why not, worded as kubelet words it. */
  public static void verifyRunAsNonRoot(JsonNode pod, JsonNode container, ImageUser image) throws Refused {
    Effective e = Effective.of(pod, container);
    if (e.runAsNonRoot() == null || !e.runAsNonRoot()) {
      return;
    }
    String where = " (pod: \"" + podDesc(pod) + "\", container: " + container.path("name").asText() + ")";
    if (e.runAsUser() != null) {
      if (e.runAsUser() == 0) {
        throw new Refused("container's runAsUser breaks non-root policy" + where);
      }
      return;
    }
    if (!image.known()) {
      return; // nothing to verify against: only an explicit root is refused
    }
    OptionalLong uid = image.uid();
    if (uid.isEmpty()) {
      throw new Refused("container has runAsNonRoot and image has non-numeric user (" + image.user() + "), cannot verify user is non-root"
          + where);
    }
    if (uid.getAsLong() == 0) {
      throw new Refused("container has runAsNonRoot and image will run as root" + where);
    }
  }

  /** kubelet's {@code format.Pod}: name_namespace(uid). */
  static String podDesc(JsonNode pod) {
    JsonNode m = pod.path("metadata");
    return m.path("name").asText() + "_" + m.path("namespace").asText() + "(" + m.path("uid").asText() + ")";
  }

  /**
   * The process's uid, gid and additional groups. The uid is the effective {@code runAsUser}, else
   * the image's user (a name looked up in its /etc/passwd). The gid is the effective
   * {@code runAsGroup}, else the image's group, else the user's primary group in /etc/passwd, else 0.
   */
  public static Identity of(JsonNode pod, JsonNode container, ImageUser image, Users users) throws Refused {
    verifyRunAsNonRoot(pod, container, image);
    Effective e = Effective.of(pod, container);
    long uid;
    if (e.runAsUser() != null) {
      uid = e.runAsUser();
    } else if (image.user().isEmpty()) {
      uid = 0;
    } else {
      OptionalLong n = numeric(image.user());
      uid = n.isPresent() ? n.getAsLong() : users.uid(image.user()).orElseThrow(() ->
          new Refused("unable to find user " + image.user() + ": no matching entries in passwd file"));
    }
    long gid;
    if (e.runAsGroup() != null) {
      gid = e.runAsGroup();
    } else if (e.runAsUser() == null && !image.group().isEmpty()) {
      // Docker's rule: the image's USER uid:gid holds unless the pod says otherwise
      OptionalLong n = numeric(image.group());
      gid = n.isPresent() ? n.getAsLong() : users.gid(image.group()).orElseThrow(() ->
          new Refused("unable to find group " + image.group() + ": no matching entries in group file"));
    } else {
      gid = users.primaryGid(uid).orElse(0);
    }
    Set<Long> extra = new LinkedHashSet<>();
    extra.add(gid);
    JsonNode podSc = pod.path("spec").path("securityContext");
    if (podSc.path("fsGroup").isIntegralNumber()) {
      extra.add(podSc.path("fsGroup").asLong());
    }
    for (JsonNode g : podSc.path("supplementalGroups")) {
      if (g.isIntegralNumber()) {
        extra.add(g.asLong());
      }
    }
    return new Identity(uid, gid, List.copyOf(new ArrayList<>(extra)));
  }

  private static OptionalLong numeric(String s) {
    if (!s.matches("\\d{1,10}")) {
      return OptionalLong.empty();
    }
    long v = Long.parseLong(s);
    return v > 0xFFFF_FFFFL ? OptionalLong.empty() : OptionalLong.of(v);
  }
}
