package dev.ordinal.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ServiceAccountAdmissionTest {
  private static ObjectNode pod(String json) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final String TWO_CONTAINERS = """
      {"metadata":{"name":"p","namespace":"team"},
       "spec":{%s"initContainers":[{"name":"init","image":"busybox"}],
               "containers":[{"name":"a","image":"busybox"},
                             {"name":"b","image":"busybox","volumeMounts":[{"name":"own","mountPath":"/var/run/secrets/kubernetes.io/serviceaccount/"}]}]}}
      """;

  private static final Map<String, ObjectNode> ACCOUNTS = Map.of(
      "default", pod("{\"metadata\":{\"name\":\"default\"}}"),
      "builder", pod("{\"metadata\":{\"name\":\"builder\"},\"imagePullSecrets\":[{\"name\":\"registry\"}]}"),
      "quiet", pod("{\"metadata\":{\"name\":\"quiet\"},\"automountServiceAccountToken\":false}"));

  static Stream<Arguments> cases() {
    return Stream.of(
        // name, pod spec prefix, expected service account, mounted in [init, a, b]
        Arguments.of("no account named: default, mounted", "", "default", List.of(true, true, false)),
        Arguments.of("a named account", "\"serviceAccountName\":\"builder\",", "builder", List.of(true, true, false)),
        Arguments.of("the deprecated field still names it", "\"serviceAccount\":\"builder\",", "builder", List.of(true, true, false)),
        Arguments.of("the account says no", "\"serviceAccountName\":\"quiet\",", "quiet", List.of(false, false, false)),
        Arguments.of("the pod says yes over the account's no",
            "\"serviceAccountName\":\"quiet\",\"automountServiceAccountToken\":true,", "quiet", List.of(true, true, false)),
        Arguments.of("the pod says no", "\"automountServiceAccountToken\":false,", "default", List.of(false, false, false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void admits(String name, String specPrefix, String account, List<Boolean> mounted) {
    ObjectNode p = pod(TWO_CONTAINERS.formatted(specPrefix));
    ServiceAccountAdmission.admit(p, n -> Optional.ofNullable(ACCOUNTS.get(n)), () -> "x7k2q");
    JsonNode spec = p.path("spec");
    assertThat(spec.path("serviceAccountName").asText()).isEqualTo(account);
    assertThat(spec.path("serviceAccount").asText()).isEqualTo(account);
    List<Boolean> actual = new ArrayList<>();
    for (JsonNode c : List.of(spec.at("/initContainers/0"), spec.at("/containers/0"), spec.at("/containers/1"))) {
      boolean found = false;
      for (JsonNode m : c.path("volumeMounts")) {
        if (m.path("name").asText().equals("kube-api-access-x7k2q")) {
          found = true;
          assertThat(m.path("readOnly").asBoolean()).isTrue();
          assertThat(m.path("mountPath").asText()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount");
        }
      }
      actual.add(found);
    }
    assertThat(actual).isEqualTo(mounted);
    boolean anyMount = mounted.contains(true);
    assertThat(spec.path("volumes").size()).isEqualTo(anyMount ? 1 : 0);
    if (anyMount) {
      JsonNode v = spec.at("/volumes/0");
      assertThat(v.path("name").asText()).isEqualTo("kube-api-access-x7k2q");
      assertThat(v.at("/projected/defaultMode").asInt()).isEqualTo(420);
      assertThat(v.at("/projected/sources/0/serviceAccountToken/expirationSeconds").asLong()).isEqualTo(3607);
      assertThat(v.at("/projected/sources/0/serviceAccountToken/path").asText()).isEqualTo("token");
      assertThat(v.at("/projected/sources/1/configMap/name").asText()).isEqualTo("kube-root-ca.crt");
      assertThat(v.at("/projected/sources/1/configMap/items/0/key").asText()).isEqualTo("ca.crt");
      assertThat(v.at("/projected/sources/2/downwardAPI/items/0/fieldRef/fieldPath").asText()).isEqualTo("metadata.namespace");
      assertThat(v.at("/projected/sources/2/downwardAPI/items/0/path").asText()).isEqualTo("namespace");
    }
  }

  @Test
  void aMissingAccountIsForbiddenWithUpstreamsMessage() {
    ObjectNode p = pod(TWO_CONTAINERS.formatted("\"serviceAccountName\":\"ghost\","));
    assertThatThrownBy(() -> ServiceAccountAdmission.admit(p, n -> Optional.ofNullable(ACCOUNTS.get(n)), () -> "x7k2q"))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(403);
          assertThat(e.getMessage()).isEqualTo(
              "pods \"p\" is forbidden: error looking up service account team/ghost: serviceaccount \"ghost\" not found");
        });
  }

  @Test
  void anExistingTokenVolumeIsKeptNotDoubled() {
    ObjectNode p = pod(TWO_CONTAINERS.formatted(""));
    ServiceAccountAdmission.admit(p, n -> Optional.ofNullable(ACCOUNTS.get(n)), () -> "aaaaa");
    ServiceAccountAdmission.admit(p, n -> Optional.ofNullable(ACCOUNTS.get(n)), () -> "bbbbb");
    assertThat(p.at("/spec/volumes").size()).isEqualTo(1);
    assertThat(p.at("/spec/containers/0/volumeMounts").size()).isEqualTo(1);
  }

  @Test
  void aPodWithoutPullSecretsGetsItsAccountsOnes() {
    ObjectNode p = pod(TWO_CONTAINERS.formatted("\"serviceAccountName\":\"builder\","));
    ServiceAccountAdmission.admit(p, n -> Optional.ofNullable(ACCOUNTS.get(n)), () -> "x7k2q");
    assertThat(p.at("/spec/imagePullSecrets/0/name").asText()).isEqualTo("registry");
    ObjectNode own = pod(TWO_CONTAINERS.formatted("\"serviceAccountName\":\"builder\",\"imagePullSecrets\":[{\"name\":\"mine\"}],"));
    ServiceAccountAdmission.admit(own, n -> Optional.ofNullable(ACCOUNTS.get(n)), () -> "x7k2q");
    assertThat(own.at("/spec/imagePullSecrets").size()).isEqualTo(1);
    assertThat(own.at("/spec/imagePullSecrets/0/name").asText()).isEqualTo("mine");
  }

  @Test
  void suffixesAreFiveCharactersOfUpstreamsAlphabet() {
    assertThat(ServiceAccountAdmission.randomSuffix()).matches("[bcdfghjklmnpqrstvwxz2456789]{5}");
  }
}
