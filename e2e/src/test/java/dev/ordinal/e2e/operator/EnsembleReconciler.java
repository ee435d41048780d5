package dev.ordinal.e2e.operator;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;

/**
 * A small operator as users write them with the Java Operator SDK: an Ensemble becomes a
 * StatefulSet it owns, applied server-side with the operator's field manager; the StatefulSet's
 * changes (found through its owner reference) bring the Ensemble back for its status.
 */
@ControllerConfiguration(name = "ensemble")
public class EnsembleReconciler implements Reconciler<Ensemble> {
  @Override
  public List<EventSource<?, Ensemble>> prepareEventSources(EventSourceContext<Ensemble> context) {
    return List.of(new InformerEventSource<>(InformerEventSourceConfiguration.from(StatefulSet.class, Ensemble.class).build(), context));
  }

  @Override
  public UpdateControl<Ensemble> reconcile(Ensemble ensemble, Context<Ensemble> context) {
    String name = ensemble.getMetadata().getName();
    Map<String, String> labels = Map.of("app", name);
    StatefulSet desired = new StatefulSetBuilder()
        .withNewMetadata().withName(name).withNamespace(ensemble.getMetadata().getNamespace()).withLabels(labels)
        .addNewOwnerReference().withApiVersion(ensemble.getApiVersion()).withKind(ensemble.getKind()).withName(name)
        .withUid(ensemble.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withNewSpec().withReplicas(ensemble.getSpec().replicas).withServiceName(name).withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName("member").withImage(ensemble.getSpec().image).endContainer().endSpec()
        .endTemplate().endSpec().build();
    StatefulSet applied = context.getClient().apps().statefulSets().resource(desired)
        .fieldManager("ensemble-operator").forceConflicts().serverSideApply();
    Ensemble.Status status = new Ensemble.Status();
    Integer ready = applied.getStatus() == null ? null : applied.getStatus().getReadyReplicas();
    status.readyReplicas = ready == null ? 0 : ready;
    status.observedGeneration = ensemble.getMetadata().getGeneration();
    Ensemble patch = new Ensemble();
    patch.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name)
        .withNamespace(ensemble.getMetadata().getNamespace()).build());
    patch.setStatus(status);
    return UpdateControl.patchStatus(patch);
  }
}
