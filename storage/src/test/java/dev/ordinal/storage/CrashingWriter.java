package dev.ordinal.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link SqliteStorageCrashTest}: writes until killed and prints each write's
 * revision only after the write returned.
 */
public final class CrashingWriter {
  private CrashingWriter() {}

  public static void main(String[] args) {
    SqliteStorage storage = SqliteStorage.open(Path.of(args[0]));
    for (long i = 0; ; i++) {
      KeyValue kv =
          storage.create("/crash/" + i, Long.toString(i).getBytes(StandardCharsets.UTF_8));
      System.out.println(kv.modRevision() + " " + kv.key());
      System.out.flush();
    }
  }
}
