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
    INT_OR_STRING,
    /** A resource.Quantity message (its string is field 1), as JSON's string. */
    QUANTITY,
    /** A map of names to resource.Quantity messages (a ResourceList). */
    MAP_QUANTITY,
    /** A repeated integer, packed or not. */
    REPEATED_INT,
    /** An embedded Go struct: its fields are the parent's in JSON (Volume's VolumeSource, Probe's ProbeHandler). */
    INLINE
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

  /** A message whose fields JSON puts in this one's (a Go struct embedded without a JSON name). */
  ProtoMessage inline(int number, ProtoMessage message) {
    fields.put(number, new Field("", Kind.INLINE, message));
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
