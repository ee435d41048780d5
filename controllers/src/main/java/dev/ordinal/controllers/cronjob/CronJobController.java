package dev.ordinal.controllers.cronjob;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.controllers.runtime.StatusWrites;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.pods.ControllerRefs;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The CronJob controller: informers on CronJobs and Jobs; each sync lets {@link CronJobPlanner}
 * decide on the CronJob and the Jobs it controls, deletes (Background, as upstream) and creates
 * Jobs, writes the status, and comes back at the next schedule time. Schedules without a
 * timeZone are read in the server's local zone, as kube-controller-manager's.
 */
public final class CronJobController implements AutoCloseable {
  static final String COMPONENT = "cronjob-controller";
  private final Client client;
  private final Informer cronJobs;
  private final Informer jobs;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  private final EventRecorder events;
  private final Supplier<Instant> clock;

  public CronJobController(Client client) {
    this(client, Instant::now);
  }

  public CronJobController(Client client, Supplier<Instant> clock) {
    this.client = client;
    this.clock = clock;
    this.events = new EventRecorder(client, COMPONENT);
    this.cronJobs = new Informer(client, Types.CRON_JOBS).onChange((old, cur, deleted) -> queue.add(Informer.key(cur)));
    this.jobs = new Informer(client, Types.JOBS).onChange((old, cur, deleted) -> {
      ObjectNode ref = ControllerRefs.controllerOf(cur);
      if (ref != null && ref.path("kind").asText().equals("CronJob")) {
        queue.add(Informer.key(Meta.namespace(cur), ref.path("name").asText()));
      }
    });
    this.worker = new Worker(COMPONENT, queue, this::sync, 1);
  }

  public void start() {
    cronJobs.start();
    jobs.start();
    worker.start();
  }

  Optional<Duration> sync(String key) throws InterruptedException {
    String ns = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    ObjectNode cj = cronJobs.get(ns, name).orElse(null);
    if (cj == null) {
      return Optional.empty();
    }
    List<ObjectNode> owned = new ArrayList<>();
    for (ObjectNode j : jobs.inNamespace(ns)) {
      if (ControllerRefs.isControlledBy(j, Meta.uid(cj))) {
        owned.add(j);
      }
    }
    CronJobPlanner.Plan plan = CronJobPlanner.plan(cj, owned, clock.get(), ZoneId.systemDefault());
    for (ObjectNode j : plan.delete()) {
      try {
        client.delete(Types.JOBS, ns, Meta.name(j), new DeleteOptions(null, "Background", Meta.uid(j), null, false));
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 409) {
          throw e;
        }
      }
    }
    ObjectNode status = plan.status();
    if (plan.create() != null) {
      try {
        ObjectNode made = client.create(Types.JOBS, ns, plan.create());
        events.normal(cj, "SuccessfulCreate", "Created job " + Meta.name(made));
        var active = status.path("active").isArray() ? (com.fasterxml.jackson.databind.node.ArrayNode) status.path("active") : status.putArray("active");
        active.add(CronJobPlanner.reference(made));
      } catch (ApiException e) {
        if (e.code() != 409) {
          events.warning(cj, "FailedCreate", "Error creating job: " + e.getMessage());
          throw e;
        }
      }
    }
    for (CronJobPlanner.Event e : plan.events()) {
      events.record(cj, "", e.type(), e.reason(), e.message());
    }
    writeStatus(cj, status);
    return Optional.ofNullable(plan.requeue());
  }

  private void writeStatus(ObjectNode cj, ObjectNode status) {
    if (status.equals(cj.path("status"))) {
      return;
    }
    StatusWrites.replace(client, Types.CRON_JOBS, cj, status);
  }

  @Override
  public void close() {
    worker.close();
    cronJobs.close();
    jobs.close();
  }
}
