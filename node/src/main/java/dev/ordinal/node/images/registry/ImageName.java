package dev.ordinal.node.images.registry;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image reference as Docker reads one: {@code nginx} is {@code docker.io/library/nginx:latest};
 * the first path component names a registry host when it holds a dot or a colon or is
 * {@code localhost}; {@code name:tag@sha256:…} keeps the tag for display and pulls by the digest.
 *
 * @param registry the registry host (and port), {@code docker.io} for Docker Hub
 * @param repository the repository path inside the registry ({@code library/nginx})
 * @param tag the tag, "" when only a digest was given
 * @param digest {@code sha256:…}, or "" when not given
 */
public record ImageName(String registry, String repository, String tag, String digest) {
  public static final String DOCKER_HUB = "docker.io";
  private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]+)?|\\[[0-9a-fA-F:]+\\](?::[0-9]+)?");

  /** Parses a reference; throws {@link IllegalArgumentException} with Docker's reason when it is not one. */
  public static ImageName parse(String reference) {
    String ref = reference.trim();
    if (ref.isEmpty()) {
      throw new IllegalArgumentException("invalid reference format: empty image name");
    }
    String digest = "";
    int at = ref.indexOf('@');
    if (at >= 0) {
      digest = ref.substring(at + 1);
      ref = ref.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw new IllegalArgumentException("invalid reference format: bad digest \"" + digest + "\" in \"" + reference + "\"");
      }
    }
    String tag = "";
    int colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) {
      tag = ref.substring(colon + 1);
      ref = ref.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new IllegalArgumentException("invalid reference format: bad tag \"" + tag + "\" in \"" + reference + "\"");
      }
    }
    String registry = DOCKER_HUB;
    String path = ref;
    int slash = ref.indexOf('/');
    if (slash > 0) {
      String first = ref.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase(Locale.ROOT))) {
        if (!HOST.matcher(first).matches()) {
          throw new IllegalArgumentException("invalid reference format: bad registry host \"" + first + "\"");
        }
        registry = first;
        path = ref.substring(slash + 1);
      }
    }
    if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
      path = "library/" + path;
    }
    if (!path.equals(path.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("invalid reference format: repository name must be lowercase: \"" + reference + "\"");
    }
    for (String component : path.split("/", -1)) {
      if (!COMPONENT.matcher(component).matches()) {
        throw new IllegalArgumentException("invalid reference format: \"" + reference + "\"");
      }
    }
    if (tag.isEmpty() && digest.isEmpty()) {
      tag = "latest";
    }
    return new ImageName(registry, path, tag, digest);
  }

  /** {@code registry/repository}, as in an imageID's {@code repo@sha256:…}. */
  public String repositoryName() {
    return registry + "/" + repository;
  }

  /** What the registry is asked for: the digest when there is one, else the tag. */
  public String manifestReference() {
    return digest.isEmpty() ? tag : digest;
  }

  /** The full form, {@code docker.io/library/nginx:latest}; both tag and digest when both were given. */
  public String canonical() {
    return repositoryName() + (tag.isEmpty() ? "" : ":" + tag) + (digest.isEmpty() ? "" : "@" + digest);
  }

  /** Whether the reference carries {@code :latest} or no tag at all (upstream's Always pull policy). */
  public boolean isLatest() {
    return digest.isEmpty() && tag.equals("latest");
  }

  /** The same image pinned to a digest: {@code repo@sha256:…}. */
  public ImageName withDigest(String manifestDigest) {
    return new ImageName(registry, repository, "", manifestDigest);
  }

  @Override
  public String toString() {
    return canonical();
  }
}
