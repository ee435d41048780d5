package dev.ordinal.e2e.operator;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** The operator's custom resource: an ensemble of {@code replicas} members running {@code image}. */
@Group("ops.example.com")
@Version("v1")
public class Ensemble extends CustomResource<Ensemble.Spec, Ensemble.Status> implements Namespaced {
  public static final String CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: ensembles.ops.example.com
      spec:
        group: ops.example.com
        scope: Namespaced
        names: {plural: ensembles, singular: ensemble, kind: Ensemble}
        versions:
        - name: v1
          served: true
          storage: true
          subresources: {status: {}}
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  required: [replicas, image]
                  properties:
                    replicas: {type: integer, minimum: 0}
                    image: {type: string}
                status:
                  type: object
                  properties:
                    readyReplicas: {type: integer}
                    observedGeneration: {type: integer}
      """;

  /** What the user asks for. */
  public static class Spec {
    public int replicas;
    public String image;
  }

  /** What the operator saw last. */
  public static class Status {
    public int readyReplicas;
    public long observedGeneration;
  }
}
