package dev.ordinal.apiserver.registry;

/**
 * The query options of a list or watch, as the API's query string carries them.
 *
 * @param resourceVersion "" (most recent, consistent), "0" (any), or a revision
 * @param limit 0 for no paging
 * @param timeoutSeconds 0 for no timeout (watch)
 */
public record ListOptions(
    String labelSelector,
    String fieldSelector,
    String resourceVersion,
    long limit,
    String continueToken,
    boolean allowWatchBookmarks,
    long timeoutSeconds) {

  public static final ListOptions ALL = new ListOptions("", "", "", 0, "", false, 0);

  public static ListOptions labelled(String labelSelector) {
    return new ListOptions(labelSelector, "", "", 0, "", false, 0);
  }

  /** The revision to watch from: 0 means "send the current state first". */
  public long watchFromRevision() {
    if (resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.equals("0")) {
      return 0;
    }
    return Revisions.parse(resourceVersion);
  }
}
