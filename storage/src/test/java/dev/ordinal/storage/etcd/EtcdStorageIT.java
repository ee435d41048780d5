package dev.ordinal.storage.etcd;

import dev.ordinal.storage.Storage;
import dev.ordinal.storage.StorageContract;

/** The {@link StorageContract} on a real etcd (Debian's etcd-server), one namespace per test. */
class EtcdStorageIT extends StorageContract {
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
}
