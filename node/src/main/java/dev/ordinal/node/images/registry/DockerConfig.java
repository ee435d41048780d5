package dev.ordinal.node.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Credentials of image pull secrets: {@code kubernetes.io/dockerconfigjson} ({@code .dockerconfigjson}:
 * {@code {"auths": {host: {username, password | auth}}}}) and the older {@code kubernetes.io/dockercfg}
 * ({@code .dockercfg}: the same map without {@code auths}). Keys may be hosts or URLs
 * ({@code https://index.docker.io/v1/}); they are matched by host, Docker Hub's names being one.
 */
public final class DockerConfig {
  /** One entry: the host it is for and its credential. */
  public record Entry(String host, Credential credential) {}

  private final List<Entry> entries;

  public DockerConfig(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static final DockerConfig NONE = new DockerConfig(List.of());

  /** Parses a secret's data ({@code dockerconfigjson} when {@code auths} is present, else dockercfg). */
  public static List<Entry> parse(byte[] json) throws IOException {
    JsonNode root = Json.MAPPER.readTree(json);
    JsonNode auths = root.has("auths") ? root.path("auths") : root;
    List<Entry> out = new ArrayList<>();
    auths.fields().forEachRemaining(f -> {
      JsonNode a = f.getValue();
      String user = a.path("username").asText("");
      String password = a.path("password").asText("");
      String encoded = a.path("auth").asText("");
      if (user.isEmpty() && !encoded.isEmpty()) {
        String decoded = new String(Base64.getDecoder().decode(encoded.strip()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        user = colon < 0 ? decoded : decoded.substring(0, colon);
        password = colon < 0 ? "" : decoded.substring(colon + 1);
      }
      String token = a.path("identitytoken").asText("");
      if (!user.isEmpty() || !token.isEmpty()) {
        out.add(new Entry(host(f.getKey()), new Credential(user, password, token)));
      }
    });
    return out;
  }

  /** The first credential for a host (secrets in the order the pod lists them). */
  public Optional<Credential> lookup(String host) {
    return lookupAll(host).stream().findFirst();
  }

  /** Every credential for a host, in the order the pod lists its secrets (kubelet tries each in turn). */
  public List<Credential> lookupAll(String host) {
    String h = hub(host.toLowerCase(Locale.ROOT));
    return entries.stream().filter(e -> hub(e.host()).equals(h)).map(Entry::credential).distinct().toList();
  }

  /** Tells credential sets apart (for joining pulls) without holding a password in the key. */
  public String fingerprint() {
    return entries.isEmpty() ? "" : Digests.sha256(entries.toString().concat(
        entries.stream().map(e -> e.credential().password() + "\0" + e.credential().identityToken()).toList().toString())
        .getBytes(StandardCharsets.UTF_8));
  }

  /** The union of several sets, this one's entries first. */
  public DockerConfig and(DockerConfig other) {
    List<Entry> all = new ArrayList<>(entries);
    all.addAll(other.entries);
    return new DockerConfig(all);
  }

  /**
   * The credentials of image pull secrets as kubelet reads them: {@code kubernetes.io/dockerconfigjson}
   * ({@code data[".dockerconfigjson"]}) and {@code kubernetes.io/dockercfg} ({@code data[".dockercfg"]});
   * secrets of other types, or whose data does not parse, add nothing.
   */
  public static DockerConfig fromSecrets(List<JsonNode> secrets) {
    List<Entry> all = new ArrayList<>();
    for (JsonNode s : secrets) {
      String type = s.path("type").asText("");
      String key = type.equals("kubernetes.io/dockerconfigjson") ? ".dockerconfigjson" : type.equals("kubernetes.io/dockercfg") ? ".dockercfg" : null;
      String data = key == null ? "" : s.path("data").path(key).asText("");
      if (data.isEmpty()) {
        continue;
      }
      try {
        all.addAll(parse(Base64.getDecoder().decode(data.strip())));
      } catch (IOException | IllegalArgumentException e) {
        // kubelet skips a secret it cannot read and pulls with the others
      }
    }
    return new DockerConfig(all);
  }

  static String host(String key) {
    String k = key.strip().toLowerCase(Locale.ROOT);
    if (k.contains("://")) {
      URI u = URI.create(k);
      return u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
    }
    int slash = k.indexOf('/');
    return slash < 0 ? k : k.substring(0, slash);
  }

  private static String hub(String host) {
    return host.equals("index.docker.io") || host.equals("registry-1.docker.io") ? ImageName.DOCKER_HUB : host;
  }
}
