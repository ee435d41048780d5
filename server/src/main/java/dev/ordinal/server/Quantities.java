package dev.ordinal.server;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Byte sizes as kubelet's configuration writes them: {@code 10Mi}, {@code 512Ki}, {@code 1Gi}, {@code 10M}, or bytes. */
final class Quantities implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.strip();
    long unit = 1;
    for (String[] suffix : new String[][] {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"k", "1000"}, {"M", "1000000"},
        {"G", "1000000000"}}) {
      if (v.endsWith(suffix[0])) {
        unit = Long.parseLong(suffix[1]);
        v = v.substring(0, v.length() - suffix[0].length());
        break;
      }
    }
    try {
      long n = Long.parseLong(v);
      if (n <= 0) {
        throw new TypeConversionException("must be positive: " + value);
      }
      return Math.multiplyExact(n, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new TypeConversionException("not a size such as 10Mi: " + value);
    }
  }
}
