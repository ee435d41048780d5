package dev.ordinal.apiserver.protobuf;

import java.util.HashMap;
import java.util.Map;

/**
 * The shape of one Kubernetes protobuf message (from its generated.proto): for each field number,
 * the JSON name and how to read the value.
 */
final class ProtoMessage {
  enum Kind {
    STRING,
    BYTES,
    INT,
    /** An optional (pointer) integer: zero on the wire is a value, kept. */
    OPTIONAL_INT,
    BOOL,
    /** An optional (pointer) bool: false on the wire is a value, kept. */
    OPTIONAL_BOOL,
    MESSAGE,
    MAP_STRING,
    MAP_BYTES,
    REPEATED_STRING,
    REPEATED_MESSAGE,
    TIME,
    INT_OR_STRING
  }

  record Field(String name, Kind kind, ProtoMessage message) {}

  private final Map<Integer, Field> fields = new HashMap<>();

  ProtoMessage field(int number, String name, Kind kind) {
    fields.put(number, new Field(name, kind, null));
    return this;
  }

  ProtoMessage message(int number, String name, ProtoMessage message) {
    fields.put(number, new Field(name, Kind.MESSAGE, message));
    return this;
  }

  ProtoMessage repeated(int number, String name, ProtoMessage message) {
    fields.put(number, new Field(name, Kind.REPEATED_MESSAGE, message));
    return this;
  }

  Field get(int number) {
    return fields.get(number);
  }
}
