package dev.ordinal.apiserver.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricRegistryTest {
  @Test
  void theTextFormatAsClientGolangWritesIt() {
    MetricRegistry r = new MetricRegistry();
    Counter c = r.counter("requests_total", "Requests.", "verb", "code");
    c.inc("GET", "200");
    c.inc("GET", "200");
    c.inc("LIST", "500");
    Histogram h = r.histogram("latency_seconds", "Latency.", new double[] {0.1, 1}, "verb");
    h.observe(0.05, "GET");
    h.observe(0.5, "GET");
    h.observe(7, "GET");
    r.gauge("depth", "Depth \"of\" a\nqueue.", () -> Map.of(List.of("a\"b"), 3.0), "name");
    assertThat(r.scrape()).isEqualTo("""
        # HELP depth Depth "of" a\\nqueue.
        # TYPE depth gauge
        depth{name="a\\"b"} 3
        # HELP latency_seconds Latency.
        # TYPE latency_seconds histogram
        latency_seconds_bucket{verb="GET",le="0.1"} 1
        latency_seconds_bucket{verb="GET",le="1"} 2
        latency_seconds_bucket{verb="GET",le="+Inf"} 3
        latency_seconds_sum{verb="GET"} 7.55
        latency_seconds_count{verb="GET"} 3
        # HELP requests_total Requests.
        # TYPE requests_total counter
        requests_total{verb="GET",code="200"} 2
        requests_total{verb="LIST",code="500"} 1
        """);
  }

  @Test
  void aNameRegisteredAgainIsTheSameFamilyUnlessItsShapeDiffers() {
    MetricRegistry r = new MetricRegistry();
    Counter a = r.counter("x_total", "X.", "a");
    assertThat(r.counter("x_total", "X.", "a")).isSameAs(a);
    assertThatThrownBy(() -> r.counter("x_total", "X.", "b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.inc()).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void storageTypesFromKeys() {
    assertThat(TimedStorage.typeOf("/registry/core/pods/default/web-0")).isEqualTo("pods");
    assertThat(TimedStorage.typeOf("/registry/apps/statefulsets/")).isEqualTo("statefulsets.apps");
    assertThat(TimedStorage.typeOf("/registry/")).isEmpty();
  }
}
