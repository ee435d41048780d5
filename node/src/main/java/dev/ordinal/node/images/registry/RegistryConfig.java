package dev.ordinal.node.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's registry configuration, in the shape of k3s's {@code registries.yaml}:
 * <pre>
 * mirrors:
 *   docker.io:                      # a registry name, or "*" for every registry
 *     endpoint: ["https://mirror.local:5000"]
 *     rewrite: {"^library/(.*)": "hub/$1"}
 * configs:
 *   mirror.local:5000:              # an endpoint's host[:port]
 *     auth: {username: u, password: p}   # or auth: base64(u:p), or identitytoken
 *     tls: {ca_file: …, cert_file: …, key_file: …, insecure_skip_verify: false}
 * </pre>
 * As in k3s (and containerd), a registry's mirror endpoints are tried in order and its own
 * default endpoint last; an endpoint's scheme decides between HTTPS and plain HTTP.
 */
public record RegistryConfig(Map<String, Mirror> mirrors, Map<String, HostConfig> configs) {
  /** The endpoints of one registry name and the repository rewrites applied at them. */
  public record Mirror(List<String> endpoints, Map<String, String> rewrites) {}

  /** How to reach one endpoint host. */
  public record HostConfig(Optional<Credential> auth, Path caFile, Path certFile, Path keyFile, boolean insecureSkipVerify) {
    public static final HostConfig NONE = new HostConfig(Optional.empty(), null, null, null, false);
  }

  /**
   * Where to ask for an image: the base URL ({@code https://host:port}), the repository there
   * (rewritten for a mirror) and whether it is the registry's own default endpoint.
   */
  public record Endpoint(URI base, String repository, boolean isDefault) {
    public String host() {
      return base.getPort() < 0 ? base.getHost() : base.getHost() + ":" + base.getPort();
    }
  }

  public static final RegistryConfig EMPTY = new RegistryConfig(Map.of(), Map.of());
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public static RegistryConfig load(Path file) throws IOException {
    JsonNode root = YAML.readTree(file.toFile());
    if (root == null || root.isMissingNode() || root.isNull()) {
      return EMPTY;
    }
    Map<String, Mirror> mirrors = new LinkedHashMap<>();
    root.path("mirrors").fields().forEachRemaining(f -> {
      List<String> endpoints = new ArrayList<>();
      f.getValue().path("endpoint").forEach(e -> endpoints.add(e.asText()));
      Map<String, String> rewrites = new LinkedHashMap<>();
      f.getValue().path("rewrite").fields().forEachRemaining(r -> rewrites.put(r.getKey(), r.getValue().asText()));
      mirrors.put(f.getKey(), new Mirror(endpoints, rewrites));
    });
    Map<String, HostConfig> configs = new LinkedHashMap<>();
    Path base = file.toAbsolutePath().getParent();
    root.path("configs").fields().forEachRemaining(f -> {
      JsonNode auth = f.getValue().path("auth");
      JsonNode tls = f.getValue().path("tls");
      configs.put(f.getKey(), new HostConfig(credential(auth), path(base, tls.path("ca_file")), path(base, tls.path("cert_file")),
          path(base, tls.path("key_file")), tls.path("insecure_skip_verify").asBoolean(false)));
    });
    return new RegistryConfig(mirrors, configs);
  }

  /** Whether this configuration names a mirror (or endpoint) for a registry, so that a pull goes there. */
  public boolean namesEndpointFor(String registry) {
    return mirrors.containsKey(registry) || mirrors.containsKey("*");
  }

  /** The endpoints to try for an image, in order: its mirrors (rewritten), then its own registry. */
  public List<Endpoint> endpoints(ImageName name) {
    List<Endpoint> out = new ArrayList<>();
    Mirror mirror = mirrors.getOrDefault(name.registry(), mirrors.get("*"));
    if (mirror != null) {
      for (String e : mirror.endpoints()) {
        URI uri = URI.create(e.contains("://") ? e : "https://" + e);
        out.add(new Endpoint(URI.create(uri.getScheme() + "://" + uri.getRawAuthority()), rewrite(name.repository(), mirror.rewrites()), false));
      }
    }
    String host = name.registry().equals(ImageName.DOCKER_HUB) ? "registry-1.docker.io" : name.registry();
    Endpoint own = new Endpoint(URI.create("https://" + host), name.repository(), true);
    if (out.stream().noneMatch(e -> e.base().equals(own.base()))) {
      out.add(own);
    }
    return out;
  }

  /** The configuration of an endpoint host ({@code host:port}), or {@link HostConfig#NONE}. */
  public HostConfig config(String host) {
    HostConfig c = configs.get(host);
    if (c == null && host.equals("registry-1.docker.io")) {
      c = configs.get(ImageName.DOCKER_HUB);
    }
    return c == null ? HostConfig.NONE : c;
  }

  /** The first rewrite whose pattern matches the repository, applied; the repository unchanged when none does. */
  static String rewrite(String repository, Map<String, String> rewrites) {
    for (Map.Entry<String, String> r : rewrites.entrySet()) {
      Matcher m = Pattern.compile(r.getKey()).matcher(repository);
      if (m.find()) {
        return m.replaceFirst(r.getValue());
      }
    }
    return repository;
  }

  private static Optional<Credential> credential(JsonNode auth) {
    if (auth.isMissingNode() || auth.isNull()) {
      return Optional.empty();
    }
    String user = auth.path("username").asText("");
    String password = auth.path("password").asText("");
    String encoded = auth.path("auth").asText("");
    if (user.isEmpty() && !encoded.isEmpty()) {
      String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      user = colon < 0 ? decoded : decoded.substring(0, colon);
      password = colon < 0 ? "" : decoded.substring(colon + 1);
    }
    String token = auth.path("identitytoken").asText("");
    return user.isEmpty() && token.isEmpty() ? Optional.empty() : Optional.of(new Credential(user, password, token));
  }

  private static Path path(Path base, JsonNode node) {
    String s = node.asText("");
    return s.isEmpty() ? null : base.resolve(s);
  }

  /** Reads a config file that must exist, or the empty configuration for null. */
  public static RegistryConfig loadOrEmpty(Path file) throws IOException {
    if (file == null) {
      return EMPTY;
    }
    if (!Files.isRegularFile(file)) {
      throw new IOException("registry configuration " + file + " does not exist");
    }
    return load(file);
  }
}
