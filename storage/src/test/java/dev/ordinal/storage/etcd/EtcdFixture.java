package dev.ordinal.storage.etcd;

import java.util.concurrent.atomic.AtomicInteger;

/** One single-member etcd for a test class, and a fresh key namespace per test. */
final class EtcdFixture {
  private static final AtomicInteger namespaces = new AtomicInteger();
  private static LocalEtcd etcd;

  static synchronized LocalEtcd etcd() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(LocalEtcd.available(), "needs Debian's etcd-server (" + LocalEtcd.BINARY + ")");
    if (etcd == null) {
      etcd = LocalEtcd.start(1);
      Runtime.getRuntime().addShutdownHook(new Thread(etcd::close));
    }
    return etcd;
  }

  static String freshNamespace() {
    return "/t" + namespaces.incrementAndGet();
  }

  private EtcdFixture() {}
}
