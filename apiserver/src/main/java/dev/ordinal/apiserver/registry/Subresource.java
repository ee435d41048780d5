package dev.ordinal.apiserver.registry;

/** Which part of an object a write addresses. */
public enum Subresource {
  /** The object itself: status is kept as stored. */
  MAIN,
  /** {@code /status}: only status changes. */
  STATUS
}
