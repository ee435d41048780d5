package dev.ordinal.apiserver.http;

/** What /version reports about this build. */
final class BuildInfo {
  static final String VERSION = "0.1.0";
  static final String COMMIT = "unknown";
  static final String DATE = "2026-11-23T00:00:00Z";

  private BuildInfo() {}
}
