package dev.ordinal.apiserver.pki;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * ASN.1 DER encoding, just the part X.509 certificates need: each method returns one complete
 * element (tag, definite length, contents). The JDK can parse and verify certificates but has no
 * public API to build them, and keytool costs a JVM start.
 */
final class Der {
  private Der() {}

  static byte[] sequence(byte[]... elements) {
    return element(0x30, concat(elements));
  }

  static byte[] set(byte[]... elements) {
    return element(0x31, concat(elements));
  }

  static byte[] integer(BigInteger value) {
    return element(0x02, value.toByteArray()); // two's complement, minimal: what DER wants
  }

  static byte[] bool(boolean value) {
    return element(0x01, new byte[] {(byte) (value ? 0xff : 0x00)});
  }

  static byte[] octetString(byte[] content) {
    return element(0x04, content);
  }

  /** A BIT STRING with no unused bits (signatures, keys). */
  static byte[] bitString(byte[] content) {
    return element(0x03, concat(new byte[] {0}, content));
  }

  /** A named-bit BIT STRING such as keyUsage: bit 0 is the high bit of the first byte; trailing zeros dropped. */
  static byte[] namedBits(int... bits) {
    int max = 0;
    for (int b : bits) {
      max = Math.max(max, b);
    }
    byte[] content = new byte[max / 8 + 1];
    for (int b : bits) {
      content[b / 8] |= (byte) (0x80 >> (b % 8));
    }
    int unused = 7 - (max % 8);
    return element(0x03, concat(new byte[] {(byte) unused}, content));
  }

  static byte[] utf8(String s) {
    return element(0x0c, s.getBytes(StandardCharsets.UTF_8));
  }

  /** UTCTime up to 2049, GeneralizedTime from 2050, as RFC 5280 §4.1.2.5 requires. */
  static byte[] time(ZonedDateTime t) {
    ZonedDateTime utc = t.withZoneSameInstant(ZoneOffset.UTC).withNano(0);
    if (utc.getYear() < 2050) {
      return element(0x17, DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").format(utc).getBytes(StandardCharsets.US_ASCII));
    }
    return element(0x18, DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").format(utc).getBytes(StandardCharsets.US_ASCII));
  }

  /** An OBJECT IDENTIFIER from its dotted form. */
  static byte[] oid(String dotted) {
    String[] parts = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
    for (int i = 2; i < parts.length; i++) {
      long v = Long.parseLong(parts[i]);
      int groups = 1;
      for (long x = v >> 7; x > 0; x >>= 7) {
        groups++;
      }
      for (int g = groups - 1; g >= 0; g--) {
        int b = (int) ((v >> (7 * g)) & 0x7f);
        out.write(g == 0 ? b : b | 0x80);
      }
    }
    return element(0x06, out.toByteArray());
  }

  /** A constructed context-specific tag [n] EXPLICIT around one element. */
  static byte[] explicit(int n, byte[] inner) {
    return element(0xa0 | n, inner);
  }

  /** A primitive context-specific tag [n] IMPLICIT with raw content (e.g. GeneralName's dNSName). */
  static byte[] implicit(int n, byte[] content) {
    return element(0x80 | n, content);
  }

  static byte[] element(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(len) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write((len >> (8 * i)) & 0xff);
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
