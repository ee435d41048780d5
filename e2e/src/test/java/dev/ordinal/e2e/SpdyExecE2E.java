package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * exec, attach and cp as kubectl 1.27 and 1.29 speak them: SPDY/3.1 over the upgraded HTTP/1.1
 * connection with {@code v4.channel.k8s.io} (WebSockets came to kubectl's exec in 1.30).
 */
class SpdyExecE2E extends RealPodsTestBase {
  static final Duration ANSWER = Duration.ofSeconds(60);

  @BeforeAll
  static void startPods() throws Exception {
    kubectl.runWithInput("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: target
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: busybox
            command: ["sleep", "3600"]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: shell
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: sh
            image: busybox
            command: ["sh"]
            stdin: true
            tty: true
        """, "apply", "-f", "-").ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/target", "pod/shell", "--timeout=90s").ok();
  }

  private static Kubectl old(String version) throws Exception {
    Path binary = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl." + version);
    assumeTrue(Files.isExecutable(binary), binary + " is not installed");
    return new Kubectl(binary.toString(), ordinal.kubeconfig(), Files.createDirectories(work.resolve("cache-" + version)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27", "1.29"})
  void execWithPipedInputAndTheExitCode(String version) throws Exception {
    Kubectl k = old(version);
    Kubectl.Result piped = k.runWithInput("line-one\nline-two\n", "exec", "-i", "target", "--", "sh", "-c", "wc -l; echo err >&2; exit 3");
    assertThat(piped.out().trim()).isEqualTo("2");
    assertThat(piped.err()).contains("err");
    assertThat(piped.exitCode()).isEqualTo(3);
    assertThat(k.run("exec", "target", "--", "echo", "plain").ok().out()).isEqualTo("plain\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27", "1.29"})
  void execOnATerminalFollowsItsSize(String version) throws Exception {
    Kubectl k = old(version);
    Kubectl.Result tty = k.onTerminal(100, 30, "30 100\n", 120, 40, "exec", "-it", "target", "--", "sh", "-c",
        "tty; stty size; sleep 3; stty size; exit 4");
    assertThat(tty.out()).contains("/dev/pts/", "30 100\n", "40 120\n");
    assertThat(tty.exitCode()).isEqualTo(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27", "1.29"})
  void cpBothWays(String version) throws Exception {
    Kubectl k = old(version);
    Path local = Files.writeString(work.resolve("to-pod-" + version + ".txt"), "copied in " + version + "\n");
    k.run("cp", local.toString(), "target:/tmp/in.txt").ok();
    assertThat(k.run("exec", "target", "--", "cat", "/tmp/in.txt").ok().out()).isEqualTo("copied in " + version + "\n");
    Path back = work.resolve("from-pod-" + version + ".txt");
    k.run("cp", "target:/tmp/in.txt", back.toString()).ok();
    assertThat(Files.readString(back)).isEqualTo("copied in " + version + "\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.27", "1.29"})
  void attachReachesTheShell(String version) throws Exception {
    Kubectl k = old(version);
    try (Kubectl.Terminal t = k.interactive(100, 30, "attach", "-it", "shell")) {
      t.await("If you don't see a command prompt", ANSWER).type("\r").await("# ", ANSWER);
      t.type("echo attached-$((6*7))\r").await("attached-42", ANSWER);
    }
  }
}
