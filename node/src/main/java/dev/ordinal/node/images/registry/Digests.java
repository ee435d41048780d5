package dev.ordinal.node.images.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests in the {@code sha256:hex} form of image manifests, and a stream that computes one as it is read. */
public final class Digests {
  private Digests() {}

  public static String sha256(byte[] bytes) {
    return "sha256:" + HexFormat.of().formatHex(newDigest().digest(bytes));
  }

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The hex part of a digest, checked to be one (it names files in the store). */
  public static String hex(String digest) {
    if (!digest.matches("sha256:[a-f0-9]{64}")) {
      throw new IllegalArgumentException("not a sha256 digest: " + digest);
    }
    return digest.substring(7);
  }

  /** Counts and digests what is read through it. */
  public static final class Hashing extends FilterInputStream {
    private final MessageDigest digest = newDigest();
    private long count;

    public Hashing(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        digest.update((byte) b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) {
        digest.update(buf, off, n);
        count += n;
      }
      return n;
    }

    /** Reads what is left, so that the digest covers the whole stream. */
    public void drain() throws IOException {
      byte[] buf = new byte[1 << 16];
      while (read(buf, 0, buf.length) >= 0) {
        // digesting
      }
    }

    public String digest() {
      return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    public long count() {
      return count;
    }
  }
}
