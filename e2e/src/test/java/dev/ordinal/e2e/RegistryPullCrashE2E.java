package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ordinal.node.images.LocalRegistry;
import dev.ordinal.node.images.LocalRegistry.Layer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of Ordinal in the middle of a pull, then a restart: the pod's next sync pulls again and
 * the pod runs on the whole image; what the killed pull had written was never in the store and is
 * gone after the restart. The pull is caught part-way by a {@link HoldingProxy} between the node
 * and the registry that lets 1 MiB of an 8 MiB layer through and holds the rest: deterministic on
 * any machine. A class of its own, since it kills the server.
 */
class RegistryPullCrashE2E extends RealPodsTestBase {
  static final int BIG = 8 << 20;
  static final long SEED = 4242;
  static LocalRegistry registry;
  static HoldingProxy proxy;

  @BeforeAll
  static void registryBehindAProxy() throws Exception {
    registry = new LocalRegistry(work.resolve("registry"), null, null);
    registry.push("team/app:1", null, RegistryImages.CMD, RegistryImages.layers(work, "warm\n"), RegistryImages.ids("warm"));
    List<Layer> layers = List.of(RegistryImages.layers(work, "").get(0), Layer.random("big", BIG, SEED));
    registry.push("team/big:1", null, List.of("/bin/busybox", "sh", "-c", "/bin/busybox sha256sum /big; exec /bin/busybox sleep 3600"), layers,
        List.of("busybox", "big-" + SEED));
    proxy = new HoldingProxy(registry.port);
    // the registry's certificate is for 127.0.0.1, whatever the port: the proxy's host trusts it too
    RegistryImages.configure(ordinal, null, Map.of(registry.host(), registry.cert, proxy.host(), registry.cert));
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  static String k(String... args) throws Exception {
    return RegistryImages.k(kubectl, args);
  }

  @Test
  void aPullKilledWithOrdinalCompletesAfterTheRestartAndNothingHalfWrittenIsUsed() throws Exception {
    // busybox's layer first, straight from the registry: the big image then fetches only its own layer through the proxy
    kubectl.runWithInput(RegistryImages.pod("warm", registry.host() + "/team/app:1", ""), "apply", "-f", "-").ok();
    k("wait", "--for=condition=Ready", "pod/warm", "--timeout=90s");
    TreeSet<String> before = RegistryImages.stored(ordinal);

    proxy.holdAfter(1 << 20);
    String image = proxy.host() + "/team/big:1";
    kubectl.runWithInput(RegistryImages.pod("big", image, ""), "apply", "-f", "-").ok();
    proxy.awaitHolding(Duration.ofSeconds(60));
    AtomicReference<Path> partial = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      Path found = null;
      for (Path p : RegistryImages.partials(ordinal)) {
        if (Files.isRegularFile(p.resolve("big")) && Files.size(p.resolve("big")) > 0) {
          found = p;
        }
      }
      assertThat(found).as("the layer being unpacked under tmp/").isNotNull();
      partial.set(found);
    });
    assertThat(Files.size(partial.get().resolve("big"))).as("caught part-way").isLessThan(BIG);

    ordinal.stop(true); // kill -9, the layer half unpacked
    assertThat(partial.get()).as("what the crash left").exists();
    assertThat(RegistryImages.stored(ordinal)).as("nothing of the big image reached the store").isEqualTo(before);

    proxy.release();
    ordinal.start();
    k("wait", "--for=condition=Ready", "pod/big", "--timeout=90s");
    assertThat(k("logs", "big")).isEqualTo(sha256OfRandom() + "  /big\n");
    assertThat(partial.get()).as("removed at start: the killed process is gone").doesNotExist();
    assertThat(RegistryImages.partials(ordinal)).isEmpty();
    assertThat(RegistryImages.stored(ordinal)).contains("ref " + image);
    assertThat(RegistryImages.events(kubectl, "big")).contains("Pulled|Successfully pulled image \"" + image + "\"");
    assertThat(k("get", "pod", "big", "-o", "jsonpath={.status.containerStatuses[0].imageID}"))
        .isEqualTo(proxy.host() + "/team/big@" + registry.digest("team/big:1", null));
  }

  /** The sha256 of {@link Layer#random}'s file, made the same way. */
  static String sha256OfRandom() throws Exception {
    java.util.Random r = new java.util.Random(SEED);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] chunk = new byte[1 << 20];
    for (long left = BIG; left > 0; left -= chunk.length) {
      r.nextBytes(chunk);
      sha.update(chunk, 0, (int) Math.min(chunk.length, left));
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
