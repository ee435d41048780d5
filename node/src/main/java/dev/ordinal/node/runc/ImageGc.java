package dev.ordinal.node.runc;

import dev.ordinal.node.images.ImageGcPlan;
import dev.ordinal.node.images.ImageStore;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link ImageGcPlan} to the store, as kubelet's image GC runs (every 5 minutes): the
 * image filesystem's capacity and free space, each image's size, first and last use, and whether
 * a container of this node runs on it; the chosen images lose their names ({@link ImageStore#removeImage}),
 * then {@link ImageStore#prune(Set)} (what {@code ordinal image prune} runs) deletes what no name
 * and no container uses. Runs on a platform thread of its own: deleting layers is file-system work.
 */
final class ImageGc {
  private static final Logger log = LoggerFactory.getLogger(ImageGc.class);

  private final ImageStore store;
  private final ImageGcPlan.Policy policy;
  private final Supplier<Set<String>> inUse;
  private final Supplier<Map<String, Instant>> lastUsed;
  private ScheduledExecutorService timer;

  /**
   * @param inUse the store ids of the images containers of this node run on
   * @param lastUsed when a container last started on each image (store id)
   */
  ImageGc(ImageStore store, ImageGcPlan.Policy policy, Supplier<Set<String>> inUse, Supplier<Map<String, Instant>> lastUsed) {
    this.store = store;
    this.policy = policy;
    this.inUse = inUse;
    this.lastUsed = lastUsed;
  }

  /** One pass; returns the names removed. */
  List<String> collect(Instant now) throws IOException {
    Files.createDirectories(store.root());
    FileStore fs = Files.getFileStore(store.root());
    Set<String> used = inUse.get();
    Map<String, Instant> uses = lastUsed.get();
    Map<String, ImageGcPlan.Image> images = new HashMap<>();
    for (ImageStore.Ref r : store.list()) {
      ImageGcPlan.Image known = images.get(r.id());
      Instant first = known == null || r.time().isBefore(known.firstSeen()) ? r.time() : known.firstSeen();
      Instant last = known == null || r.time().isAfter(known.lastUsed()) ? r.time() : known.lastUsed();
      Instant started = uses.get(r.id());
      if (started != null && started.isAfter(last)) {
        last = started;
      }
      images.put(r.id(), new ImageGcPlan.Image(r.id(), store.size(r.id()), first, last, used.contains(r.id())));
    }
    List<String> chosen = ImageGcPlan.plan(fs.getTotalSpace(), fs.getUsableSpace(), new ArrayList<>(images.values()), policy, now);
    List<String> removed = new ArrayList<>();
    for (String id : chosen) {
      removed.addAll(store.removeImage(id));
    }
    if (!removed.isEmpty()) {
      long freed = store.prune(used);
      log.info("image GC: the image filesystem was over {} %: removed {} ({} bytes freed)", policy.highPercent(), removed, freed);
    }
    return removed;
  }

  /** Runs a pass every {@code period}, the first after one period. */
  void start(Duration period) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("image-gc").unstarted(r));
    timer.scheduleWithFixedDelay(() -> {
      try {
        collect(Instant.now());
      } catch (IOException | RuntimeException e) {
        log.warn("image GC: {}", e.getMessage());
      }
    }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
