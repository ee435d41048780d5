package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A server restart, clean or a crash, loses nothing that was acknowledged. */
class RestartE2E extends OrdinalE2ETestBase {

  @Test
  void objectsSurviveACleanStopAndAKill() throws Exception {
    kubectl.apply(work, "web.yaml", KubectlE2E.sts("web", "nginx:1.27", "")).ok();
    for (int i = 0; i < 20; i++) {
      kubectl.run("create", "configmap", "cm-" + i, "--from-literal=i=" + i).ok();
    }
    String before = kubectl.run("get", "sts,cm,svc", "-o", "name").ok().out();

    ordinal.stop(false);
    ordinal.start();
    assertThat(kubectl.run("get", "sts,cm,svc", "-o", "name").ok().out()).isEqualTo(before);

    kubectl.run("scale", "sts", "web", "--replicas=4").ok();
    kubectl.run("create", "configmap", "last").ok();
    ordinal.stop(true);
    ordinal.start();
    assertThat(kubectl.run("get", "sts", "web", "-o", "jsonpath={.spec.replicas}").ok().out()).isEqualTo("4");
    assertThat(kubectl.run("get", "cm", "last", "-o", "name").ok().out().trim()).isEqualTo("configmap/last");
    assertThat(kubectl.run("get", "cm", "cm-7", "-o", "jsonpath={.data.i}").ok().out()).isEqualTo("7");
  }
}
