package dev.ordinal.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestInfoTest {

  @Test
  void parsesNamespacedObjectsAndSubresources() {
    assertThat(RequestInfo.parse("/apis/apps/v1/namespaces/default/statefulsets/web/scale"))
        .isEqualTo(new RequestInfo("apps", "v1", "default", "statefulsets", "web", "scale", false));
    assertThat(RequestInfo.parse("/api/v1/namespaces/default/pods"))
        .isEqualTo(new RequestInfo("", "v1", "default", "pods", null, null, false));
  }

  @Test
  void namespacesAreThemselvesAResource() {
    assertThat(RequestInfo.parse("/api/v1/namespaces/kube-system"))
        .isEqualTo(new RequestInfo("", "v1", null, "namespaces", "kube-system", null, false));
    assertThat(RequestInfo.parse("/api/v1/namespaces/x/finalize"))
        .isEqualTo(new RequestInfo("", "v1", null, "namespaces", "x", "finalize", false));
    assertThat(RequestInfo.parse("/api/v1/namespaces"))
        .isEqualTo(new RequestInfo("", "v1", null, "namespaces", null, null, false));
  }

  @Test
  void parsesWatchPathsAndClusterScope() {
    assertThat(RequestInfo.parse("/api/v1/watch/namespaces/default/pods"))
        .isEqualTo(new RequestInfo("", "v1", "default", "pods", null, null, true));
    assertThat(RequestInfo.parse("/api/v1/nodes/n1/status"))
        .isEqualTo(new RequestInfo("", "v1", null, "nodes", "n1", "status", false));
  }

  @Test
  void rejectsWhatIsNotAResourcePath() {
    assertThat(RequestInfo.parse("/api")).isNull();
    assertThat(RequestInfo.parse("/apis/apps")).isNull();
    assertThat(RequestInfo.parse("/api/v1/namespaces/default/pods/a/b/c")).isNull();
  }
}
