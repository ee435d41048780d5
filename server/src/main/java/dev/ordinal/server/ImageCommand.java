package dev.ordinal.server;

import dev.ordinal.node.images.ImagePuller;
import dev.ordinal.node.images.ImageStore;
import dev.ordinal.node.images.registry.DockerConfig;
import dev.ordinal.node.images.registry.PullError;
import dev.ordinal.node.images.registry.RegistryConfig;
import dev.ordinal.node.runc.ImageUsers;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ordinal image import|list|pull|rm|prune}: the local image store the runc runtime looks in before host images. */
@Command(name = "image", mixinStandardHelpOptions = true, description = "Manage the local image store.",
    subcommands = {ImageCommand.Import.class, ImageCommand.ListImages.class, ImageCommand.Pull.class, ImageCommand.Remove.class,
        ImageCommand.Prune.class})
final class ImageCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Import the images of a `docker save` tarball or an OCI image layout (directory or tarball).")
  static final class Import implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = ".ordinal", description = "Ordinal's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--name", description = "Reference for an image the archive does not name.")
    String name;

    @Parameters(paramLabel = "ARCHIVE")
    Path archive;

    @Override
    public Integer call() throws Exception {
      if (!RuncHost.isRoot()) {
        System.err.println("ordinal: importing images needs root (layers keep their owners and device files)");
        return 2;
      }
      DataDir.open(dataDir);
      for (String ref : new ImageStore(dataDir).importArchive(archive, name)) {
        System.out.println("imported " + ref);
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the images in the local store.")
  static final class ListImages implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = ".ordinal", description = "Ordinal's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
      ImageStore store = new ImageStore(dataDir);
      // which pods use an image: the annotations of their containers' bundles (ImageUsers), as the agent wrote them
      java.util.Map<String, java.util.Set<String>> users = ImageUsers.scan(dataDir);
      System.out.println("IMAGE\tID\tSIZE\tSOURCE\tPODS");
      for (ImageStore.Ref r : store.list()) {
        java.util.Set<String> pods = users.getOrDefault(r.id(), java.util.Set.of());
        System.out.println(r.name() + "\t" + r.id().substring(0, Math.min(12, r.id().length())) + "\t" + store.size(r.id()) + "\t" + r.source()
            + "\t" + (pods.isEmpty() ? "<none>" : String.join(",", pods)));
      }
      return 0;
    }
  }

  @Command(name = "pull", mixinStandardHelpOptions = true, description = "Pull an image from its registry (or the mirrors of --registry-config) into the store.")
  static final class Pull implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = ".ordinal", description = "Ordinal's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--registry-config", description = "Registry configuration (k3s registries.yaml shape); default: <data-dir>/registries.yaml.")
    Path registryConfig;

    @Parameters(paramLabel = "IMAGE")
    String image;

    @Override
    public Integer call() throws Exception {
      if (!RuncHost.isRoot()) {
        System.err.println("ordinal: pulling images needs root (layers keep their owners and device files)");
        return 2;
      }
      DataDir.open(dataDir);
      Path cfg = registryConfig != null ? registryConfig : dataDir.resolve("registries.yaml");
      ImageStore store = new ImageStore(dataDir);
      store.cleanPartials();
      RegistryConfig config = java.nio.file.Files.exists(cfg) ? RegistryConfig.load(cfg) : RegistryConfig.EMPTY;
      try {
        ImagePuller.Pulled p = new ImagePuller(store, config).pull(image, DockerConfig.NONE);
        System.out.println("pulled " + image + " (" + p.imageId() + ", " + p.size() + " bytes, " + p.took().toMillis() + " ms, " + p.source() + ")");
        return 0;
      } catch (PullError e) {
        System.err.println("ordinal: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove image names from the store (their layers go at the next prune).")
  static final class Remove implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = ".ordinal", description = "Ordinal's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Parameters(paramLabel = "IMAGE", arity = "1..*")
    java.util.List<String> images;

    @Override
    public Integer call() throws Exception {
      ImageStore store = new ImageStore(dataDir);
      int rc = 0;
      for (String i : images) {
        if (store.remove(i)) {
          System.out.println("removed " + i);
        } else {
          System.err.println("ordinal: no image " + i);
          rc = 1;
        }
      }
      return rc;
    }
  }

  @Command(name = "prune", mixinStandardHelpOptions = true,
      description = "Delete layers and configs neither an image name nor a pod's container uses; with --all, every image no container uses.")
  static final class Prune implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = ".ordinal", description = "Ordinal's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = {"-a", "--all"}, description = "Also remove the names of images no container uses (crictl rmi --prune), as image GC does.")
    boolean all;

    @Override
    public Integer call() throws Exception {
      ImageStore store = new ImageStore(dataDir);
      store.cleanPartials();
      if (all) {
        for (String name : ImageUsers.removeUnused(store, dataDir)) {
          System.out.println("removed " + name);
        }
      }
      // a container's layers stay even when its image lost its names (image rm): it runs on them
      System.out.println("freed " + store.prune(ImageUsers.scan(dataDir).keySet()) + " bytes");
      return 0;
    }
  }
}
