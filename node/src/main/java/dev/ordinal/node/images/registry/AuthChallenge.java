package dev.ordinal.node.images.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code WWW-Authenticate} challenge (RFC 7235): its scheme ({@code bearer} or {@code basic},
 * lower case) and its parameters, quoted strings unescaped. For the Bearer flow of the
 * distribution spec the parameters are {@code realm} (the token endpoint), {@code service} and
 * {@code scope}.
 */
public record AuthChallenge(String scheme, Map<String, String> params) {

  /** The first challenge of a header value; a header without parameters gives an empty map. */
  public static AuthChallenge parse(String header) {
    String h = header == null ? "" : header.strip();
    int space = h.indexOf(' ');
    String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(Locale.ROOT);
    Map<String, String> params = new LinkedHashMap<>();
    int i = space < 0 ? h.length() : space + 1;
    while (i < h.length()) {
      while (i < h.length() && (h.charAt(i) == ' ' || h.charAt(i) == ',')) {
        i++;
      }
      int eq = h.indexOf('=', i);
      if (eq < 0) {
        break; // a token68 or a second scheme: nothing more the pull flow uses
      }
      String key = h.substring(i, eq).strip().toLowerCase(Locale.ROOT);
      if (key.contains(" ")) {
        break; // the start of a second challenge ("Basic realm=…, Bearer realm=…")
      }
      i = eq + 1;
      StringBuilder value = new StringBuilder();
      if (i < h.length() && h.charAt(i) == '"') {
        i++;
        while (i < h.length() && h.charAt(i) != '"') {
          if (h.charAt(i) == '\\' && i + 1 < h.length()) {
            i++;
          }
          value.append(h.charAt(i++));
        }
        i++; // the closing quote
      } else {
        while (i < h.length() && h.charAt(i) != ',') {
          value.append(h.charAt(i++));
        }
      }
      params.put(key, value.toString().strip());
    }
    return new AuthChallenge(scheme, params);
  }

  public String param(String name) {
    return params.getOrDefault(name, "");
  }
}
