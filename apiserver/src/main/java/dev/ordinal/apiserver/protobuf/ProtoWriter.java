package dev.ordinal.apiserver.protobuf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes the protobuf wire format, proto3 style: scalar fields at their zero value are left out,
 * nested messages are written whole (their presence can matter, as for a oneof member). A nested
 * message is built in its own writer and copied in, so lengths are known when they are written.
 * Not thread-safe.
 */
public final class ProtoWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public ProtoWriter string(int field, String value) {
    if (value != null && !value.isEmpty()) {
      bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }
    return this;
  }

  public ProtoWriter bytes(int field, byte[] value) {
    tag(field, ProtoReader.LENGTH_DELIMITED);
    varint(value.length);
    out.writeBytes(value);
    return this;
  }

  public ProtoWriter bool(int field, boolean value) {
    if (value) {
      tag(field, ProtoReader.VARINT);
      varint(1);
    }
    return this;
  }

  public ProtoWriter int64(int field, long value) {
    if (value != 0) {
      tag(field, ProtoReader.VARINT);
      varint(value);
    }
    return this;
  }

  public ProtoWriter fixedDouble(int field, double value) {
    if (value != 0) {
      tag(field, ProtoReader.FIXED64);
      long bits = Double.doubleToLongBits(value);
      for (int i = 0; i < 8; i++) {
        out.write((int) (bits >>> (8 * i)) & 0xff);
      }
    }
    return this;
  }

  /** A nested message, written even when empty. */
  public ProtoWriter message(int field, ProtoWriter message) {
    tag(field, ProtoReader.LENGTH_DELIMITED);
    varint(message.out.size());
    out.writeBytes(message.out.toByteArray());
    return this;
  }

  public int size() {
    return out.size();
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    varint(((long) field << 3) | wireType);
  }

  private void varint(long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
