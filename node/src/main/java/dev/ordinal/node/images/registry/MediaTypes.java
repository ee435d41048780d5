package dev.ordinal.node.images.registry;

/** The manifest and layer media types of Docker's schema 2 and of OCI. */
public final class MediaTypes {
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

  private MediaTypes() {}

  public static boolean isIndex(String type) {
    return OCI_INDEX.equals(type) || DOCKER_LIST.equals(type);
  }

  public static boolean isManifest(String type) {
    return OCI_MANIFEST.equals(type) || DOCKER_MANIFEST.equals(type);
  }

  /** How a layer is compressed, from its media type: {@code gzip}, {@code zstd} or {@code none}. */
  public static String compression(String layerType) {
    if (layerType.endsWith("+zstd") || layerType.endsWith(".zstd")) {
      return "zstd";
    }
    if (layerType.endsWith("gzip") || layerType.endsWith(".tar.gzip") || layerType.equals("application/vnd.docker.image.rootfs.diff.tar.gzip")) {
      return "gzip";
    }
    return "none";
  }
}
