package dev.ordinal.server;

import dev.ordinal.storage.KeyValue;
import dev.ordinal.storage.ListResult;
import dev.ordinal.storage.SqliteStorage;
import dev.ordinal.storage.Storage;
import dev.ordinal.storage.StorageException;
import dev.ordinal.storage.etcd.EtcdStorage;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ordinal migrate --to-etcd}: copies every object of a stopped one-machine cluster from its
 * SQLite file into etcd, keys as they are. Objects keep their content; their resourceVersions
 * become etcd's revisions (clients re-list, as after any restore). Run it again after a failure:
 * keys already in etcd with the same value are skipped, a different value stops the run.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Move a cluster's objects from its SQLite file into etcd (stop `ordinal up` first).")
public final class MigrateCommand implements Callable<Integer> {
  @Option(names = "--to-etcd", required = true, description = "Copy into etcd (the only target).")
  boolean toEtcd;

  @Option(names = "--data-dir", defaultValue = ".ordinal", description = "The cluster's data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Mixin
  EtcdOptions etcd = new EtcdOptions();

  @Override
  public Integer call() throws Exception {
    if (etcd.endpoints == null) {
      System.err.println("ordinal: migrate needs --etcd-endpoints");
      return 2;
    }
    Path file = DataDir.open(dataDir).database();
    if (!Files.exists(file)) {
      System.err.println("ordinal: no SQLite store at " + file);
      return 2;
    }
    if (UpProcess.running(dataDir).isPresent()) {
      System.err.println("ordinal: `ordinal up` is running on " + dataDir + "; stop it first (ordinal down)");
      return 2;
    }
    try (SqliteStorage from = SqliteStorage.open(file); EtcdStorage to = EtcdStorage.open(etcd.etcdConfig())) {
      Counts c = copy(from, to, System.out);
      System.out.printf("migrated %d objects to etcd (%d already there)%n", c.copied, c.skipped);
      return 0;
    } catch (StorageException e) {
      System.err.println("ordinal: " + e.getMessage());
      return 1;
    }
  }

  record Counts(long copied, long skipped) {}

  /** Copies every key of {@code from} at one revision into {@code to}. */
  static Counts copy(Storage from, Storage to, PrintStream progress) {
    ListResult all = from.list("", 0);
    long copied = 0;
    long skipped = 0;
    for (KeyValue kv : all.items()) {
      try {
        to.create(kv.key(), kv.value());
        copied++;
      } catch (StorageException.KeyExists e) {
        KeyValue there = to.get(kv.key()).orElseThrow();
        if (!Arrays.equals(there.value(), kv.value())) {
          throw new StorageException(kv.key() + " is already in etcd with other content; not overwritten");
        }
        skipped++;
      }
      if ((copied + skipped) % 1000 == 0) {
        progress.printf("%d of %d%n", copied + skipped, all.items().size());
      }
    }
    return new Counts(copied, skipped);
  }
}
