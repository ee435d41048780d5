package dev.ordinal.api.patch;

/** The special keys of a strategic merge patch (apimachinery strategicpatch). */
final class Directives {

  /** {@code "$patch": "replace" | "delete" | "merge"} in a map or as a list element. */
  static final String PATCH = "$patch";

  static final String REPLACE = "replace";
  static final String DELETE = "delete";
  static final String MERGE = "merge";

  /** {@code "$retainKeys": [keys]}: keys of the map to keep; the others are cleared. */
  static final String RETAIN_KEYS = "$retainKeys";

  /** {@code "$setElementOrder/<list>": [elements]}: the final order of the list. */
  static final String SET_ELEMENT_ORDER = "$setElementOrder";

  /** {@code "$deleteFromPrimitiveList/<list>": [values]}: values to remove from the list. */
  static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";

  private Directives() {}

  static boolean isSetElementOrder(String key) {
    return key.startsWith(SET_ELEMENT_ORDER);
  }

  static boolean isDeleteFromPrimitiveList(String key) {
    return key.startsWith(DELETE_FROM_PRIMITIVE_LIST);
  }

  /**
   * The list a parallel-list directive key refers to: "containers" for {@code
   * $setElementOrder/containers}.
   *
   * @throws PatchException BAD_REQUEST when the key has no "/list" part, with apimachinery's
   *     message for that prefix
   */
  static String listKey(String directiveKey, String prefix) {
    int slash = directiveKey.indexOf('/');
    if (slash < 0 || !directiveKey.substring(0, slash).equals(prefix)) {
      throw PatchException.badRequest(
          prefix.equals(SET_ELEMENT_ORDER)
              ? "invalid patch format of setElementOrder list"
              : "invalid patch format of primitive list");
    }
    return directiveKey.substring(slash + 1);
  }
}
