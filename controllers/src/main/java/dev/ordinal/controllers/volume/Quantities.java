package dev.ordinal.controllers.volume;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigInteger;

/** Storage quantities as bytes, and bytes written back the way Kubernetes prints them. */
public final class Quantities {
  private Quantities() {}

  /** The bytes of a quantity ("50Mi", "1G", "1.5Gi"), rounded up. */
  public static long bytes(String quantity) {
    return Quantity.getAmountInBytes(new Quantity(quantity)).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
  }

  /** Bytes as the shortest exact binary-suffixed quantity ("80Mi"), else plain bytes. */
  public static String format(long bytes) {
    String[] suffixes = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
    for (int i = 0; i < suffixes.length; i++) {
      BigInteger unit = BigInteger.ONE.shiftLeft(10 * (suffixes.length - i));
      BigInteger[] qr = BigInteger.valueOf(bytes).divideAndRemainder(unit);
      if (bytes > 0 && qr[1].signum() == 0) {
        return qr[0] + suffixes[i];
      }
    }
    return Long.toString(bytes);
  }
}
