package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.node.images.ImagePuller;
import dev.ordinal.node.images.PullBackOff;
import dev.ordinal.node.images.StoredImage;
import dev.ordinal.node.images.registry.DockerConfig;
import dev.ordinal.node.images.registry.PullError;
import dev.ordinal.node.runtime.ContainerEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A container's image step, as kubelet's image manager takes it (EnsureImageExists): the source
 * rule under the container's {@code imagePullPolicy}, then either the image at once (store or host
 * image, "already present on machine"), or a pull. A pull never runs in the pod's sync: it runs
 * on a virtual thread of its own and the sync that finds it finished takes its result, so one
 * slow registry holds up no other pod (the pod lock is not held while it runs, and the agent's
 * workers are free). Failures go through kubelet's back-off per pod and image
 * ({@link PullBackOff}): ErrImagePull, then ImagePullBackOff until the wait is over, with
 * kubelet's events. Thread-safe.
 */
final class PodImages {
  /** What the step gave. */
  sealed interface Step permits Ready, Waiting {}

  /** The image is here: run the container on it. */
  record Ready(ImageResolver.Resolved image) implements Step {}

  /**
   * Not yet: the container waits with this reason (ContainerCreating while a pull runs,
   * ErrImagePull, ImagePullBackOff, ErrImageNeverPull) and message, until {@code retryAt} at the latest.
   */
  record Waiting(String reason, String message, Instant retryAt) implements Step {}

  private record Attempt(Instant askedAt, CompletableFuture<ImagePuller.Pulled> result) {}

  private final ImageResolver resolver;
  private final PodResources resources;
  private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
  private final Map<String, String> lastError = new ConcurrentHashMap<>();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  /** When each stored image was last used by a container start (image GC removes the least recent first). */
  private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
  private final ReentrantLock backOffLock = new ReentrantLock(); // guards backOff; short sections only
  private final PullBackOff backOff = new PullBackOff();

  PodImages(ImageResolver resolver, PodResources resources) {
    this.resolver = resolver;
    this.resources = resources;
  }

  /**
   * Takes the image step of one container; what happened is added to {@code events}.
   *
   * @throws ConfigError when nothing can serve the image (no store entry, no host image, no pulls), or a host image is not installed
   */
  Step ensure(ObjectNode pod, JsonNode container, boolean init, List<ContainerEvent> events, Instant now) throws ConfigError {
    String image = container.path("image").asText("");
    String name = container.path("name").asText();
    String policy = container.path("imagePullPolicy").asText("IfNotPresent");
    String key = Meta.uid(pod) + "_" + image;
    Attempt running = attempts.get(key);
    if (running != null) {
      return finished(pod, name, init, image, key, running, events, now);
    }
    switch (resolver.source(image, policy)) {
      case STORE -> {
        Optional<StoredImage> s = resolver.stored(image);
        if (s.isPresent()) {
          events.add(ContainerEvent.present(name, init, image, "local store: " + s.get().source()));
          return ready(ImageResolver.of(s.get()), now);
        }
        return new Waiting("ContainerCreating", "", now.plusMillis(200)); // removed meanwhile: decide again
      }
      case HOST -> {
        ImageResolver.Resolved r = resolver.host(image);
        events.add(ContainerEvent.present(name, init, image, "host image"));
        return ready(r, now);
      }
      case NEVER_PULL -> {
        if (reported.add(key + "/never")) {
          events.add(ContainerEvent.neverPull(name, init, image));
          events.add(ContainerEvent.error(name, init, "ErrImageNeverPull"));
        }
        return new Waiting("ErrImageNeverPull", ContainerEvent.neverPullMessage(image), now.plusSeconds(10));
      }
      case UNAVAILABLE -> throw ImageResolver.unavailable(image);
      case PULL -> {
        return startPull(pod, name, init, image, key, events, now);
      }
    }
    throw new IllegalStateException("unreachable");
  }

  private Step startPull(ObjectNode pod, String name, boolean init, String image, String key, List<ContainerEvent> events, Instant now) {
    backOffLock.lock();
    Instant until;
    try {
      until = backOff.until(key, now);
    } finally {
      backOffLock.unlock();
    }
    if (until != null) {
      String message = "Back-off pulling image \"" + image + "\"";
      if (reported.add(key + "/backoff/" + until)) {
        events.add(ContainerEvent.pullBackOff(name, init, image));
        events.add(ContainerEvent.error(name, init, "ImagePullBackOff"));
      }
      String previous = lastError.get(key);
      return new Waiting("ImagePullBackOff", previous == null ? message : message + ": " + previous, until);
    }
    DockerConfig secrets = pullSecrets(pod, name, init, events);
    CompletableFuture<ImagePuller.Pulled> result = new CompletableFuture<>();
    attempts.put(key, new Attempt(now, result));
    events.add(ContainerEvent.pulling(name, init, image));
    ImagePuller puller = resolver.puller();
    // sockets park a virtual thread; the unpacking inside goes to platform threads (Unpacker)
    Thread.ofVirtual().name("pull-" + name).start(() -> {
      try {
        result.complete(puller.pull(image, secrets));
      } catch (PullError | RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return new Waiting("ContainerCreating", "", now.plusMillis(200));
  }

  private Step finished(ObjectNode pod, String name, boolean init, String image, String key, Attempt attempt, List<ContainerEvent> events,
      Instant now) {
    if (!attempt.result().isDone()) {
      return new Waiting("ContainerCreating", "", now.plusMillis(200));
    }
    attempts.remove(key, attempt);
    try {
      ImagePuller.Pulled p = attempt.result().join();
      lastError.remove(key);
      backOffLock.lock();
      try {
        backOff.gc(now);
      } finally {
        backOffLock.unlock();
      }
      events.add(ContainerEvent.pulledFrom(name, init, image, p.took(), Duration.between(attempt.askedAt(), now), p.size(), p.source()));
      return ready(ImageResolver.of(p.image()), now);
    } catch (CompletionException e) {
      String error = e.getCause() == null ? String.valueOf(e.getMessage()) : String.valueOf(e.getCause().getMessage());
      Duration wait;
      backOffLock.lock();
      try {
        wait = backOff.failed(key, now);
      } finally {
        backOffLock.unlock();
      }
      lastError.put(key, "ErrImagePull: " + error);
      events.add(ContainerEvent.pullFailed(name, init, image, error));
      events.add(ContainerEvent.error(name, init, "ErrImagePull"));
      return new Waiting("ErrImagePull", error, now.plus(wait));
    }
  }

  private Ready ready(ImageResolver.Resolved r, Instant now) {
    if (!r.storeId().isEmpty()) {
      lastUsed.put(r.storeId(), now);
    }
    return new Ready(r);
  }

  /**
   * The credentials of the pod's {@code imagePullSecrets} (its ServiceAccount's are copied into the
   * spec at admission, as upstream), read through the API as the node; secrets that cannot be read
   * get kubelet's warning and the pull goes ahead without them.
   */
  private DockerConfig pullSecrets(ObjectNode pod, String name, boolean init, List<ContainerEvent> events) {
    List<JsonNode> found = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (JsonNode ref : pod.path("spec").path("imagePullSecrets")) {
      String secret = ref.path("name").asText("");
      if (secret.isEmpty()) {
        continue;
      }
      try {
        Optional<ObjectNode> s = resources.secret(Meta.namespace(pod), secret);
        if (s.isPresent()) {
          found.add(s.get());
        } else {
          missing.add(secret);
        }
      } catch (RuntimeException e) {
        missing.add(secret);
      }
    }
    if (!missing.isEmpty() && reported.add(Meta.uid(pod) + "/secrets/" + missing)) {
      events.add(ContainerEvent.secretsMissing(name, init, missing));
    }
    return DockerConfig.fromSecrets(found);
  }

  /** A slot's image id: from its launch, or for a container adopted after a restart, the store's entry of its image. */
  String imageId(ContainerSlot slot) {
    if (slot.imageId == null && slot.image != null) {
      Optional<StoredImage> s = resolver.stored(slot.image);
      slot.imageId = s.map(StoredImage::imageId).orElse("");
      slot.storeId = s.map(StoredImage::id).orElse("");
    }
    return slot.imageId == null ? "" : slot.imageId;
  }

  /** The store ids of the images containers of these pods run on (a container not yet removed counts). */
  Set<String> inUse(java.util.Collection<RuncPod> pods) {
    Set<String> out = new java.util.HashSet<>();
    for (RuncPod p : pods) {
      for (ContainerSlot slot : p.slots()) {
        if (slot.current != null) {
          imageId(slot);
          if (slot.storeId != null && !slot.storeId.isEmpty()) {
            out.add(slot.storeId);
          }
        }
      }
    }
    return out;
  }

  /** When each stored image was last used (for image GC), by store id. */
  Map<String, Instant> lastUsed() {
    return Map.copyOf(lastUsed);
  }

  /** Forgets a pod that is gone: its pulls' back-off and reports (a pull under way still finishes into the store). */
  void forget(String podUid) {
    attempts.keySet().removeIf(k -> k.startsWith(podUid + "_"));
    lastError.keySet().removeIf(k -> k.startsWith(podUid + "_"));
    reported.removeIf(k -> k.startsWith(podUid));
    backOffLock.lock();
    try {
      backOff.forgetPrefix(podUid + "_");
    } finally {
      backOffLock.unlock();
    }
  }
}
