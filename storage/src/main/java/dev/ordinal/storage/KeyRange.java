package dev.ordinal.storage;

/**
 * The half-open range {@code [lower, upper)} of keys that start with a prefix, so that prefix
 * queries use the {@code (key, revision)} index instead of scanning with LIKE.
 *
 * <p>Keys are compared by SQLite's BINARY collation, i.e. by UTF-8 bytes, which orders like code
 * points; incrementing the last character of the prefix therefore gives the first key past the
 * prefix for every key made of BMP characters (Kubernetes keys are ASCII).
 *
 * @param upper the exclusive upper bound, or null when every key is in range (empty prefix)
 */
record KeyRange(String prefix, String lower, String upper) {

  static KeyRange ofPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("prefix must not be null");
    }
    int last = prefix.length() - 1;
    while (last >= 0 && prefix.charAt(last) == Character.MAX_VALUE) {
      last--;
    }
    if (last < 0) {
      return new KeyRange(prefix, prefix, null);
    }
    String upper = prefix.substring(0, last) + (char) (prefix.charAt(last) + 1);
    return new KeyRange(prefix, prefix, upper);
  }

  boolean isBounded() {
    return upper != null;
  }

  /** The SQL condition on {@code column}; bind {@link #lower} then, if bounded, {@link #upper}. */
  String condition(String column) {
    return isBounded() ? column + " >= ? AND " + column + " < ?" : column + " >= ?";
  }

  boolean contains(String key) {
    return key.startsWith(prefix);
  }
}
