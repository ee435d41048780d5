package dev.ordinal.api.selector;

/** A selector that does not parse, or names a field the kind does not support; the API answers 400. */
public final class SelectorException extends RuntimeException {
  public SelectorException(String message) {
    super(message);
  }
}
