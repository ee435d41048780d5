package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProjectedTokensTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void refreshesAtEightyPercentOrADayOrExpiry() {
    Instant hour = T0.plus(Duration.ofHours(1));
    assertThat(ProjectedTokens.needsRefresh(T0, hour, T0.plusSeconds(2879))).isFalse();
    assertThat(ProjectedTokens.needsRefresh(T0, hour, T0.plusSeconds(2880))).isTrue();
    Instant year = T0.plus(Duration.ofDays(365));
    assertThat(ProjectedTokens.needsRefresh(T0, year, T0.plus(Duration.ofHours(23)))).isFalse();
    assertThat(ProjectedTokens.needsRefresh(T0, year, T0.plus(Duration.ofHours(24)))).isTrue();
    assertThat(ProjectedTokens.needsRefresh(T0, T0.plusSeconds(10), T0.plusSeconds(10))).isTrue();
  }

  /** A TokenRequest API that counts its calls and fails when told. */
  static final class FakeTokens extends NoPodResources {
    final List<ObjectNode> requests = new ArrayList<>();
    Instant now = T0;
    boolean failing;

    @Override
    public ObjectNode requestToken(String namespace, String serviceAccount, ObjectNode tokenRequest) {
      if (failing) {
        throw ApiException.notFound("serviceaccounts \"" + serviceAccount + "\" not found");
      }
      requests.add(tokenRequest);
      ObjectNode out = tokenRequest.deepCopy();
      long seconds = tokenRequest.at("/spec/expirationSeconds").asLong();
      out.putObject("status").put("token", "token-" + requests.size() + "-" + serviceAccount)
          .put("expirationTimestamp", now.plusSeconds(seconds).toString());
      return out;
    }
  }

  private static ObjectNode pod() {
    ObjectNode p = Json.object();
    p.putObject("metadata").put("name", "web-0").put("namespace", "team").put("uid", "u1");
    p.putObject("spec").put("serviceAccountName", "builder");
    return p;
  }

  @Test
  void asksForAPodBoundTokenOnceAndAgainWhenDue() throws Exception {
    FakeTokens api = new FakeTokens();
    ProjectedTokens tokens = new ProjectedTokens(api);
    assertThat(tokens.token(pod(), "", 3607, T0)).isEqualTo("token-1-builder");
    assertThat(tokens.token(pod(), "", 3607, T0.plusSeconds(60))).isEqualTo("token-1-builder");
    assertThat(api.requests).hasSize(1);
    ObjectNode spec = (ObjectNode) api.requests.get(0).path("spec");
    assertThat(spec.has("audiences")).isFalse(); // the API's own audiences
    assertThat(spec.at("/boundObjectRef/kind").asText()).isEqualTo("Pod");
    assertThat(spec.at("/boundObjectRef/uid").asText()).isEqualTo("u1");
    assertThat(tokens.token(pod(), "vault", 3607, T0)).isEqualTo("token-2-builder"); // another audience, another token
    assertThat(api.requests.get(1).at("/spec/audiences/0").asText()).isEqualTo("vault");
    assertThat(tokens.token(pod(), "", 3607, T0.plusSeconds(2886))).isEqualTo("token-3-builder");
  }

  @Test
  void keepsTheOldTokenWhileTheApiFailsAndItStillWorks() throws Exception {
    FakeTokens api = new FakeTokens();
    ProjectedTokens tokens = new ProjectedTokens(api);
    tokens.token(pod(), "", 3600, T0);
    api.failing = true;
    assertThat(tokens.token(pod(), "", 3600, T0.plusSeconds(3000))).isEqualTo("token-1-builder");
    assertThatThrownBy(() -> tokens.token(pod(), "", 3600, T0.plusSeconds(3600))).isInstanceOf(ConfigError.class)
        .hasMessageContaining("failed to fetch token");
  }

  @Test
  void forgetsAGonePod() throws Exception {
    FakeTokens api = new FakeTokens();
    ProjectedTokens tokens = new ProjectedTokens(api);
    tokens.token(pod(), "", 3600, T0);
    tokens.forget("u1");
    tokens.token(pod(), "", 3600, T0);
    assertThat(api.requests).hasSize(2);
  }
}
