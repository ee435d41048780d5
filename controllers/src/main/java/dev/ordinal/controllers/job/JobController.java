package dev.ordinal.controllers.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.controllers.runtime.StatusWrites;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.pods.ControllerRefs;
import dev.ordinal.controllers.pods.Expectations;
import dev.ordinal.controllers.pods.OwnedPodEvents;
import dev.ordinal.controllers.pods.PodControl;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Job controller (upstream's job-controller, with the TTL-after-finished controller folded
 * in): informers on Jobs and pods feed a queue of Job keys; each sync claims the Job's pods, and
 * once the informer has seen the Job's own writes ({@link Expectations}) lets {@link JobPlanner}
 * decide, creates and deletes pods through {@link PodControl}, writes the status, and deletes a
 * finished Job whose ttlSecondsAfterFinished has passed (Foreground, as the TTL controller).
 */
public final class JobController implements AutoCloseable {
  static final String COMPONENT = "job-controller";
  private static final Duration MAX_COOL_DOWN = Duration.ofMillis(50);
  private static final Duration COOL_DOWN_PER_POD = Duration.ofNanos(20_000);
  private final Client client;
  private final Informer jobs;
  private final Informer pods;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  private final Expectations expectations = new Expectations();
  private final OwnedPodEvents podEvents;
  private final EventRecorder events;
  private final PodControl control;
  private final java.util.Map<String, Integer> sizes = new java.util.concurrent.ConcurrentHashMap<>();

  public JobController(Client client) {
    this.client = client;
    this.events = new EventRecorder(client, COMPONENT);
    this.control = new PodControl(client, events, expectations);
    this.jobs = new Informer(client, Types.JOBS).onChange((old, cur, deleted) -> {
      if (deleted) {
        expectations.forget(Informer.key(cur));
      }
      queue.add(Informer.key(cur));
    });
    this.podEvents = new OwnedPodEvents("Job", "batch/v1", expectations, queue, jobs::inNamespace, JobController::selector);
    this.pods = new Informer(client, Types.PODS).onChange(podEvents::podChanged);
    // as the ReplicaSet controller: every pod event asks for a pass over all the Job's pods; resting
    // about 20 µs a pod (at most 50 ms) between passes of a Job that changed during its pass lets
    // a big Job's pod events gather into one pass
    this.worker = new Worker(COMPONENT, queue, this::sync, 2).withCoolDown(key -> Duration.ofNanos(
        Math.min(MAX_COOL_DOWN.toNanos(), sizes.getOrDefault(key, 0) * COOL_DOWN_PER_POD.toNanos())));
  }

  public void start() {
    jobs.start();
    pods.start();
    worker.start();
  }



  private static LabelSelector selector(ObjectNode job) {
    try {
      return LabelSelector.fromSelector(Json.convert(job.path("spec").path("selector"), io.fabric8.kubernetes.api.model.LabelSelector.class));
    } catch (RuntimeException e) {
      return LabelSelector.fromMap(java.util.Map.of());
    }
  }

  Optional<Duration> sync(String key) throws InterruptedException {
    String ns = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    ObjectNode job = jobs.get(ns, name).orElse(null);
    if (job == null) {
      expectations.forget(key);
      sizes.remove(key);
      return Optional.empty();
    }
    LabelSelector selector = selector(job);
    if (selector.isEmpty()) {
      return Optional.empty();
    }
    boolean satisfied = expectations.isSatisfied(key);
    List<ObjectNode> candidates = new ArrayList<>();
    for (ObjectNode p : pods.inNamespace(ns)) {
      // finished orphans are not adopted (upstream claims only active ones); owned finished pods count
      if (JobPods.active(p) || ControllerRefs.isControlledBy(p, Meta.uid(job))) {
        candidates.add(p);
      }
    }
    List<ObjectNode> claimed = control.applyClaim(job, ControllerRefs.claim(job, selector, candidates));
    sizes.put(key, claimed.size());
    if (!satisfied || Meta.isDeleting(job)) {
      return Optional.empty();
    }
    JobPlanner.Plan plan = JobPlanner.plan(job, claimed, Instant.now());
    if (plan.deleteJob()) {
      try {
        client.delete(Types.JOBS, ns, name, new DeleteOptions(null, "Foreground", Meta.uid(job), null, false));
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 409) {
          throw e;
        }
      }
      return Optional.empty();
    }
    ApiException failure = null;
    try {
      List<ObjectNode> made = new ArrayList<>();
      for (JobPlanner.NewPod planned : plan.create()) {
        made.add(JobPods.newPod(job, planned));
      }
      control.createPods(key, job, made);
      control.deletePods(key, job, plan.delete());
    } catch (ApiException e) {
      failure = e;
    }
    writeStatus(job, plan.status());
    for (JobPlanner.Event e : plan.events()) {
      events.record(job, "", e.type(), e.reason(), e.message());
    }
    if (failure != null) {
      throw failure; // requeued with back-off
    }
    return Optional.ofNullable(plan.requeue());
  }

  private void writeStatus(ObjectNode job, ObjectNode status) {
    if (status.equals(job.path("status"))) {
      return;
    }
    StatusWrites.replace(client, Types.JOBS, job, status);
  }

  @Override
  public void close() {
    worker.close();
    jobs.close();
    pods.close();
  }
}
