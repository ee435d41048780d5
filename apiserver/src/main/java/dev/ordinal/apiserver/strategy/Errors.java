package dev.ordinal.apiserver.strategy;

import dev.ordinal.api.FieldError;
import java.util.ArrayList;
import java.util.List;

/** Collects field errors while a validator walks an object. */
final class Errors {
  private final List<FieldError> list = new ArrayList<>();

  void add(FieldError e) {
    list.add(e);
  }

  void required(String path, String detail) {
    list.add(FieldError.required(path, detail));
  }

  void invalid(String path, Object value, String detail) {
    list.add(FieldError.invalid(path, value, detail));
  }

  /** One Invalid error per message of a name rule. */
  void invalidAll(String path, Object value, List<String> messages) {
    messages.forEach(m -> list.add(FieldError.invalid(path, value, m)));
  }

  void forbidden(String path, String detail) {
    list.add(FieldError.forbidden(path, detail));
  }

  void notSupported(String path, Object value, List<String> allowed) {
    list.add(FieldError.notSupported(path, value, allowed));
  }

  void duplicate(String path, Object value) {
    list.add(FieldError.duplicate(path, value));
  }

  void nonNegative(String path, com.fasterxml.jackson.databind.JsonNode n) {
    if (n.isNumber() && n.asLong() < 0) {
      invalid(path, n.asLong(), "must be greater than or equal to 0");
    }
  }

  List<FieldError> list() {
    return list;
  }
}
