package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #15's interactive verbs on real pods, typed on a real terminal (script(1) gives kubectl
 * one): {@code kubectl run -it --rm} starts busybox sh with its own stdin and terminal, runs what
 * is typed and deletes the pod once the shell exits; {@code kubectl attach -it} reaches the shell a
 * running pod started with {@code stdin} and {@code tty}, and leaving it leaves the pod running;
 * {@code kubectl run -i --rm} without a terminal ends when its piped input does.
 */
class InteractiveE2E extends RealPodsTestBase {
  static final Duration ANSWER = Duration.ofSeconds(60);

  @BeforeAll
  static void createNamespace() throws Exception {
    assumeTrue(Files.exists(Path.of("/usr/bin/socat")), "needs socat (./ordinal test installs it as root)");
    kubectl.run("create", "namespace", "interactive").ok();
  }

  @Test
  void runItRmRunsWhatIsTypedAndDeletesThePod() throws Exception {
    try (Kubectl.Terminal t = kubectl.interactive(100, 30, "-n", "interactive", "run", "-it", "--rm", "test", "--image=busybox",
        "--restart=Never", "--", "sh")) {
      // kubectl attaches after the prompt was printed: Enter shows a fresh one
      t.await("If you don't see a command prompt", ANSWER).type("\r").await("# ", ANSWER);
      t.type("echo hello-$((40+2))\r").await("hello-42", ANSWER);
      t.type("exit\r");
      assertThat(t.awaitExit(ANSWER)).as("kubectl's exit code; it showed:\n%s", t.shown()).isZero();
      assertThat(t.shown()).contains("pod \"test\" deleted");
    }
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(kubectl.run("-n", "interactive", "get", "pod", "test").err()).contains("NotFound"));
  }

  /** Without a terminal: the end of kubectl's piped stdin closes the shell's (stdinOnce), and the shell ends. */
  @Test
  void runIWithPipedInputEndsWhenTheInputDoes() throws Exception {
    Kubectl.Result r = kubectl.runWithInput("echo piped-$((6*7))\necho to-stderr >&2\n", "-n", "interactive", "run", "-i", "--rm",
        "piped", "--image=busybox", "--restart=Never", "--", "sh");
    assertThat(r.exitCode()).as("kubectl run -i: %s %s", r.out(), r.err()).isZero();
    assertThat(r.out()).contains("piped-42");
    assertThat(r.err()).contains("to-stderr");
  }

  @Test
  void attachItReachesTheShellOfARunningPod() throws Exception {
    kubectl.apply(work, "shell.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: shell
          namespace: interactive
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: sh
            image: busybox
            command: ["sh"]
            stdin: true
            tty: true
        """).ok();
    kubectl.run("-n", "interactive", "wait", "--for=condition=Ready", "pod/shell", "--timeout=90s").ok();
    try (Kubectl.Terminal t = kubectl.interactive(100, 30, "-n", "interactive", "attach", "-it", "shell")) {
      t.await("If you don't see a command prompt", ANSWER).type("\r").await("# ", ANSWER);
      // kubectl attach resizes to one more row and column, then back, to make the program redraw; the
      // second resize may land after the first line typed, so the size is asked again until it settles
      awaitSize(t, "attached-42 30 100");
    }
    // the container's stdin stays open without stdinOnce: the shell is still there for the next attach
    Thread.sleep(1000);
    assertThat(kubectl.run("-n", "interactive", "get", "pod", "shell", "-o", "jsonpath={.status.phase}").ok().out()).isEqualTo("Running");
    try (Kubectl.Terminal t = kubectl.interactive(80, 24, "-n", "interactive", "attach", "-it", "shell")) {
      t.await("If you don't see a command prompt", ANSWER).type("\r").await("# ", ANSWER);
      t.type("echo again-$((6*7))\r").await("again-42", ANSWER);
    }
    kubectl.run("-n", "interactive", "delete", "pod", "shell", "--wait=true").ok();
  }

  private static void awaitSize(Kubectl.Terminal t, String expected) throws Exception {
    for (int i = 0; ; i++) {
      t.type("echo attached-$((6*7)) $(stty size)\r");
      try {
        t.await(expected, java.time.Duration.ofSeconds(3));
        return;
      } catch (AssertionError e) {
        if (i == 5) {
          throw e;
        }
      }
    }
  }
}
