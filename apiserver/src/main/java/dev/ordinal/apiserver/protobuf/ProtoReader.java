package dev.ordinal.apiserver.protobuf;

import java.nio.charset.StandardCharsets;

/** Reads the protobuf wire format: tags, varints and length-delimited fields, with bounds checks. */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final byte[] buf;
  private int pos;
  private final int end;

  ProtoReader(byte[] buf, int from, int to) {
    this.buf = buf;
    this.pos = from;
    this.end = to;
  }

  boolean done() {
    return pos >= end;
  }

  /** The next tag: field number << 3 | wire type. */
  int tag() {
    long t = varint();
    if (t > Integer.MAX_VALUE || t == 0) {
      throw new ProtoException("invalid field tag");
    }
    return (int) t;
  }

  long varint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw new ProtoException("truncated varint");
      }
      byte b = buf[pos++];
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new ProtoException("malformed varint");
  }

  /** A length-delimited field's bounds, as a reader over just those bytes. */
  ProtoReader nested() {
    long len = varint();
    if (len < 0 || len > end - pos) {
      throw new ProtoException("truncated field");
    }
    ProtoReader r = new ProtoReader(buf, pos, pos + (int) len);
    pos += (int) len;
    return r;
  }

  String string() {
    ProtoReader r = nested();
    return new String(buf, r.pos, r.end - r.pos, StandardCharsets.UTF_8);
  }

  byte[] bytes() {
    ProtoReader r = nested();
    byte[] out = new byte[r.end - r.pos];
    System.arraycopy(buf, r.pos, out, 0, out.length);
    return out;
  }

  void skip(int wireType) {
    switch (wireType) {
      case VARINT -> varint();
      case FIXED64 -> advance(8);
      case LENGTH_DELIMITED -> nested();
      case FIXED32 -> advance(4);
      default -> throw new ProtoException("unsupported wire type " + wireType);
    }
  }

  private void advance(int n) {
    if (end - pos < n) {
      throw new ProtoException("truncated field");
    }
    pos += n;
  }
}
