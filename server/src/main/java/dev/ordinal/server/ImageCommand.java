package dev.ordinal.server;

import dev.ordinal.node.images.ImageStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ordinal image import|list}: the local image store the runc runtime looks in before host images. */
@Command(name = "image", mixinStandardHelpOptions = true, description = "Manage the local image store.",
    subcommands = {ImageCommand.Import.class, ImageCommand.ListImages.class})
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
      System.out.println("IMAGE\tID\tSIZE\tSOURCE");
      for (ImageStore.Ref r : store.list()) {
        System.out.println(r.name() + "\t" + r.id().substring(0, Math.min(12, r.id().length())) + "\t" + store.size(r.id()) + "\t" + r.source());
      }
      return 0;
    }
  }
}
