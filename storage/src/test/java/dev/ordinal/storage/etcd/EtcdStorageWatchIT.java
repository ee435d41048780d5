package dev.ordinal.storage.etcd;

import dev.ordinal.storage.Storage;
import dev.ordinal.storage.WatchContract;

/** The {@link WatchContract} on a real etcd, one namespace per test. */
class EtcdStorageWatchIT extends WatchContract {
  private String namespace;

  @Override
  protected Storage open() {
    try {
      if (namespace == null) {
        namespace = EtcdFixture.freshNamespace();
      }
      return EtcdStorage.open(EtcdFixture.etcd().config(), namespace);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected int watchCount() {
    return ((EtcdStorage) storage).watchCount();
  }
}
