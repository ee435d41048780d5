package dev.ordinal.node.images.registry;

/**
 * A user name and password for a registry (basic auth, or the basic auth of a token request), or
 * an identity token (an OAuth2 refresh token, as {@code docker login} stores for some registries).
 */
public record Credential(String username, String password, String identityToken) {
  public static Credential basic(String username, String password) {
    return new Credential(username, password, "");
  }

  @Override
  public String toString() {
    return "Credential[" + username + "]"; // never the password, in logs or events
  }
}
