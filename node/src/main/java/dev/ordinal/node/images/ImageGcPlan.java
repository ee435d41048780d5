package dev.ordinal.node.images;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which images to remove, as kubelet's image garbage collector chooses (pkg/kubelet/images
 * image_gc_manager.go): nothing while the image filesystem's use is below the high threshold
 * (85 %); above it, enough to bring it down to the low threshold (80 %), least recently used
 * first, never an image a container uses, nor one first seen less than the minimum age (2 min)
 * ago. Pure.
 */
public final class ImageGcPlan {
  private ImageGcPlan() {}

  /**
   * kubelet's {@code imageGCHighThresholdPercent}, {@code imageGCLowThresholdPercent} and
   * {@code imageMinimumGCAge}; a high threshold of 100 turns collection off.
   */
  public record Policy(int highPercent, int lowPercent, Duration minAge) {
    public static final Policy DEFAULT = new Policy(85, 80, Duration.ofMinutes(2));

    public Policy {
      if (highPercent < 0 || highPercent > 100 || lowPercent < 0 || lowPercent > highPercent) {
        throw new IllegalArgumentException("image GC thresholds must satisfy 0 <= low (" + lowPercent + ") <= high (" + highPercent + ") <= 100");
      }
    }
  }

  /** One image of the store: its disk size, when the node first saw it and last started a container on it, whether one uses it. */
  public record Image(String id, long size, Instant firstSeen, Instant lastUsed, boolean inUse) {}

  /** The images to remove, in order; empty when the filesystem is below the high threshold. */
  public static List<String> plan(long capacity, long available, List<Image> images, Policy policy, Instant now) {
    if (capacity <= 0 || policy.highPercent() >= 100) {
      return List.of();
    }
    long usagePercent = 100 - available * 100 / capacity;
    if (usagePercent < policy.highPercent()) {
      return List.of();
    }
    long toFree = capacity * (100 - policy.lowPercent()) / 100 - available;
    List<Image> candidates = new ArrayList<>(images.stream().filter(i -> !i.inUse()).toList());
    candidates.sort(Comparator.comparing(Image::lastUsed).thenComparing(Image::firstSeen).thenComparing(Image::id));
    List<String> out = new ArrayList<>();
    long freed = 0;
    for (Image i : candidates) {
      if (freed >= toFree) {
        break;
      }
      if (Duration.between(i.firstSeen(), now).compareTo(policy.minAge()) < 0) {
        continue;
      }
      out.add(i.id());
      freed += i.size();
    }
    return out;
  }
}
