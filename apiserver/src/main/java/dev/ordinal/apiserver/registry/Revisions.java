package dev.ordinal.apiserver.registry;

import dev.ordinal.apiserver.errors.ApiException;

/** resourceVersion strings: a store revision in decimal, opaque to clients. */
public final class Revisions {
  private Revisions() {}

  public static long parse(String resourceVersion) {
    try {
      long v = Long.parseLong(resourceVersion);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid resource version: \"" + resourceVersion + "\"");
    }
  }
}
