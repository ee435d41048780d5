package dev.ordinal.node.images;

/**
 * Which source serves a container's image, from its {@code imagePullPolicy} and what the node has
 * (docs/images.md): pure, so every case is a table row.
 *
 * <ul>
 *   <li>An image in the local store serves {@code IfNotPresent} and {@code Never}; {@code Always}
 *       asks the registry again (the manifest digest is resolved again and only missing layers
 *       are fetched), except for an image imported by hand, which no registry holds.
 *   <li>Not in the store: {@code Never} takes a host image of the catalogue (the host's software is
 *       on the machine) or fails with ErrImageNeverPull; otherwise a pull when the registry
 *       configuration names an endpoint for the image's registry or the reference names a
 *       registry host itself, else the catalogue's host image, else a pull from the public registry.
 * </ul>
 */
public final class ImageSourceRule {
  private ImageSourceRule() {}

  /** What the node knows of an image. */
  public record Facts(String policy, boolean stored, boolean storedByImport, boolean registryNamed, boolean hostImage, boolean canPull) {}

  /** The source chosen. */
  public enum Source {
    STORE, HOST, PULL, NEVER_PULL, UNAVAILABLE
  }

  public static Source decide(Facts f) {
    boolean always = f.policy().equals("Always");
    boolean never = f.policy().equals("Never");
    if (f.stored()) {
      return always && f.canPull() && !f.storedByImport() ? Source.PULL : Source.STORE;
    }
    if (never) {
      return f.hostImage() ? Source.HOST : Source.NEVER_PULL;
    }
    if (f.registryNamed() && f.canPull()) {
      return Source.PULL;
    }
    if (f.hostImage()) {
      return Source.HOST;
    }
    return f.canPull() ? Source.PULL : Source.UNAVAILABLE;
  }
}
