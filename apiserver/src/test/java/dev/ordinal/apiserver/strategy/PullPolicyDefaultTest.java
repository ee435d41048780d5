package dev.ordinal.apiserver.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** imagePullPolicy as upstream's SetDefaults_Container defaults it, case by case. */
class PullPolicyDefaultTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "nginx|Always",
      "nginx:latest|Always",
      "nginx:1.27|IfNotPresent",
      "library/nginx|Always",
      "docker.io/library/nginx:1.27|IfNotPresent",
      "127.0.0.1:5000/team/app|Always",
      "127.0.0.1:5000/team/app:1|IfNotPresent",
      "127.0.0.1:5000/team/app:latest|Always",
      "localhost/app|Always",
      "registry.example.com:443/a/b/c:v2|IfNotPresent",
      "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|IfNotPresent",
      "busybox:1.36@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|IfNotPresent",
      "busybox:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|Always",
      "Nginx|IfNotPresent",
      "Registry.Example.com/app|Always",
      "'nginx latest'|IfNotPresent",
      "''|IfNotPresent",
  })
  void defaultsAsUpstream(String image, String policy) {
    assertThat(PodSpecDefaults.pullPolicy(image)).isEqualTo(policy);
  }
}
