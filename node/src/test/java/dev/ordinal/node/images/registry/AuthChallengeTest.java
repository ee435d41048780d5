package dev.ordinal.node.images.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {
  @Test
  void parsesChallenges() {
    Object[][] cases = {
        {"Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/nginx:pull\"", "bearer",
            Map.of("realm", "https://auth.docker.io/token", "service", "registry.docker.io", "scope", "repository:library/nginx:pull")},
        {"Basic realm=\"Registry Realm\"", "basic", Map.of("realm", "Registry Realm")},
        {"bearer realm=https://h/token, service=h", "bearer", Map.of("realm", "https://h/token", "service", "h")},
        {"Bearer realm=\"a\\\"b\"", "bearer", Map.of("realm", "a\"b")},
        {"Basic", "basic", Map.of()},
        {"", "", Map.of()},
        {"Basic realm=\"r\", Bearer realm=\"x\"", "basic", Map.of("realm", "r")},
        {"Bearer realm=\"https://h/token\",scope=\"repository:a:pull,push\"", "bearer",
            Map.of("realm", "https://h/token", "scope", "repository:a:pull,push")},
    };
    for (Object[] c : cases) {
      AuthChallenge a = AuthChallenge.parse((String) c[0]);
      assertThat(a.scheme()).as((String) c[0]).isEqualTo(c[1]);
      assertThat(a.params()).as((String) c[0]).isEqualTo(c[2]);
    }
  }
}
