package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line a container runs, by Docker's rules as Kubernetes applies them: {@code command}
 * replaces the image's ENTRYPOINT (and drops its CMD), {@code args} replaces CMD; {@code $(VAR)}
 * references to the container's environment are expanded, {@code $$(VAR)} escapes one.
 */
final class ProcessArgs {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

  private ProcessArgs() {}

  static List<String> of(JsonNode container, ImageConfig image, Map<String, String> env) {
    List<String> command = strings(container.path("command"));
    List<String> args = strings(container.path("args"));
    List<String> out = new ArrayList<>();
    if (!command.isEmpty()) {
      out.addAll(command);
      out.addAll(args);
    } else {
      out.addAll(image.entrypoint());
      out.addAll(args.isEmpty() ? image.cmd() : args);
    }
    return out.stream().map(a -> expand(a, env)).toList();
  }

  /** Kubernetes' expansion: known references are replaced, unknown ones kept as written. */
  static String expand(String s, Map<String, String> env) {
    Matcher m = REFERENCE.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else {
        replacement = env.getOrDefault(m.group(1), m.group());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
