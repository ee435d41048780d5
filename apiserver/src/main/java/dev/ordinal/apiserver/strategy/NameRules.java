package dev.ordinal.apiserver.strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Kubernetes' name rules (apimachinery validation), returning its messages; empty when valid. */
public final class NameRules {
  private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL);
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
  private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  private NameRules() {}

  /** Upstream's path.IsValidPathSegmentName. */
  public static List<String> pathSegment(String v) {
    List<String> errs = new ArrayList<>();
    if (v.equals(".") || v.equals("..")) {
      errs.add("may not be '" + v + "'");
    }
    if (v.contains("/")) {
      errs.add("may not contain '/'");
    }
    if (v.contains("%")) {
      errs.add("may not contain '%'");
    }
    return errs;
  }

  public static List<String> dns1123Label(String v) {
    List<String> errs = new ArrayList<>();
    if (v.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!DNS1123_LABEL.matcher(v).matches()) {
      errs.add("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
          + "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '" + LABEL + "')");
    }
    return errs;
  }

  public static List<String> dns1123Subdomain(String v) {
    List<String> errs = new ArrayList<>();
    if (v.length() > 253) {
      errs.add("must be no more than 253 characters");
    }
    if (!DNS1123_SUBDOMAIN.matcher(v).matches()) {
      errs.add("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
          + "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '"
          + LABEL + "(\\." + LABEL + ")*')");
    }
    return errs;
  }

  public static List<String> dns1035Label(String v) {
    List<String> errs = new ArrayList<>();
    if (v.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!DNS1035_LABEL.matcher(v).matches()) {
      errs.add("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
          + "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation "
          + "is '[a-z]([-a-z0-9]*[a-z0-9])?')");
    }
    return errs;
  }

  /** A label or annotation key: an optional DNS subdomain prefix and a name of at most 63 characters. */
  public static List<String> qualifiedName(String v) {
    List<String> errs = new ArrayList<>();
    String name = v;
    int slash = v.indexOf('/');
    if (slash >= 0) {
      String prefix = v.substring(0, slash);
      name = v.substring(slash + 1);
      if (prefix.isEmpty()) {
        errs.add("prefix part must be non-empty");
      } else {
        dns1123Subdomain(prefix).forEach(e -> errs.add("prefix part " + e));
      }
      if (name.contains("/")) {
        errs.add("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
            + "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
            + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        return errs;
      }
    }
    if (name.isEmpty()) {
      errs.add("name part must be non-empty");
    } else if (name.length() > 63) {
      errs.add("name part must be no more than 63 characters");
    } else if (!QUALIFIED_NAME.matcher(name).matches()) {
      errs.add("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
          + "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
          + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    }
    return errs;
  }

  public static List<String> labelValue(String v) {
    List<String> errs = new ArrayList<>();
    if (v.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!LABEL_VALUE.matcher(v).matches()) {
      errs.add("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
          + "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
          + "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }
    return errs;
  }

  /** A ConfigMap or Secret key. */
  public static List<String> configKey(String v) {
    List<String> errs = new ArrayList<>();
    if (v.length() > 253) {
      errs.add("must be no more than 253 characters");
    }
    if (!CONFIG_KEY.matcher(v).matches()) {
      errs.add("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
          + "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
    }
    if (v.equals(".") || v.equals("..") || v.startsWith("..")) {
      errs.add("must not be '.' or '..' or start with '..'");
    }
    return errs;
  }
}
