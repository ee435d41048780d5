package dev.ordinal.server;

import dev.ordinal.storage.etcd.EtcdConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The etcd flags of kube-apiserver, shared by the commands that open the store. */
public final class EtcdOptions {
  @Option(names = "--etcd-endpoints", paramLabel = "URL[,URL…]",
      description = "Keep every object in etcd (v3 API) at these client URLs instead of the data directory's SQLite file.")
  String endpoints;

  @Option(names = "--etcd-cafile", paramLabel = "FILE", description = "CA (PEM) of etcd's serving certificate, for https endpoints.")
  Path caFile;

  @Option(names = "--etcd-certfile", paramLabel = "FILE", description = "Client certificate (PEM) for etcd.")
  Path certFile;

  @Option(names = "--etcd-keyfile", paramLabel = "FILE", description = "Client key (PEM, PKCS#8) for etcd.")
  Path keyFile;

  /** The store these flags choose: etcd when endpoints are given, else SQLite. */
  ControlPlane.StorageOptions storage() {
    if (endpoints == null || endpoints.isBlank()) {
      if (caFile != null || certFile != null || keyFile != null) {
        throw new IllegalArgumentException("--etcd-cafile, --etcd-certfile and --etcd-keyfile need --etcd-endpoints");
      }
      return ControlPlane.StorageOptions.SQLITE;
    }
    return new ControlPlane.StorageOptions(etcdConfig());
  }

  EtcdConfig etcdConfig() {
    return new EtcdConfig(EtcdConfig.parseEndpoints(endpoints), caFile, certFile, keyFile);
  }
}
