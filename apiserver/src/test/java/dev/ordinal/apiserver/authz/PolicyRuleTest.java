package dev.ordinal.apiserver.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.apiserver.auth.UserInfo;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyRuleTest {
  static final UserInfo ALICE = new UserInfo("alice", "", List.of(UserInfo.AUTHENTICATED), java.util.Map.of());

  static PolicyRule rule(List<String> verbs, List<String> groups, List<String> resources, List<String> names) {
    return new PolicyRule(verbs, groups, resources, names, List.of());
  }

  static Attributes req(String verb, String group, String resource, String sub, String name) {
    return Attributes.resource(ALICE, verb, group, resource, sub, "default", name);
  }

  static Stream<Arguments> cases() {
    PolicyRule readPods = rule(List.of("get", "list", "watch"), List.of(""), List.of("pods"), List.of());
    PolicyRule anyScale = rule(List.of("update"), List.of("*"), List.of("*/scale"), List.of());
    PolicyRule podsAll = rule(List.of("*"), List.of(""), List.of("pods/*"), List.of());
    PolicyRule oneConfig = rule(List.of("get", "update", "list"), List.of(""), List.of("configmaps"), List.of("leader"));
    PolicyRule everything = rule(List.of("*"), List.of("*"), List.of("*"), List.of());
    PolicyRule health = PolicyRule.urls(List.of("get"), List.of("/healthz", "/apis/*"));
    return Stream.of(
        Arguments.of("verb listed", readPods, req("list", "", "pods", "", ""), true),
        Arguments.of("verb not listed", readPods, req("delete", "", "pods", "", "p"), false),
        Arguments.of("other group", readPods, req("get", "apps", "pods", "", "p"), false),
        Arguments.of("subresource not covered by its resource", readPods, req("get", "", "pods", "log", "p"), false),
        Arguments.of("*/scale matches any scale", anyScale, req("update", "apps", "deployments", "scale", "web"), true),
        Arguments.of("*/scale is not the object", anyScale, req("update", "apps", "deployments", "", "web"), false),
        Arguments.of("pods/* matches every subresource", podsAll, req("create", "", "pods", "exec", "p"), true),
        Arguments.of("pods/* is not pods", podsAll, req("get", "", "pods", "", "p"), false),
        Arguments.of("resourceNames: the named one", oneConfig, req("get", "", "configmaps", "", "leader"), true),
        Arguments.of("resourceNames: another", oneConfig, req("get", "", "configmaps", "", "other"), false),
        Arguments.of("resourceNames never allow a list", oneConfig, req("list", "", "configmaps", "", ""), false),
        Arguments.of("* everything", everything, req("deletecollection", "batch", "jobs", "", ""), true),
        Arguments.of("resource rule and a path", everything, Attributes.path(ALICE, "get", "/healthz"), false),
        Arguments.of("exact path", health, Attributes.path(ALICE, "get", "/healthz"), true),
        Arguments.of("prefix path", health, Attributes.path(ALICE, "get", "/apis/apps/v1"), true),
        Arguments.of("path verb", health, Attributes.path(ALICE, "post", "/healthz"), false),
        Arguments.of("path not listed", health, Attributes.path(ALICE, "get", "/metrics"), false),
        Arguments.of("url rule and a resource", health, req("get", "", "pods", "", "p"), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void allows(String name, PolicyRule rule, Attributes a, boolean expected) {
    assertThat(rule.allows(a)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("coverage")
  void covers(String name, List<PolicyRule> held, PolicyRule requested, List<String> missing) {
    assertThat(RuleCoverage.uncovered(held, List.of(requested)).stream().map(PolicyRule::compact).toList())
        .containsExactlyElementsOf(missing);
  }

  static Stream<Arguments> coverage() {
    PolicyRule admin = rule(List.of("*"), List.of("*"), List.of("*"), List.of());
    PolicyRule readPods = rule(List.of("get", "list"), List.of(""), List.of("pods"), List.of());
    PolicyRule podSubs = rule(List.of("get"), List.of(""), List.of("pods/*"), List.of());
    PolicyRule leader = rule(List.of("get"), List.of(""), List.of("configmaps"), List.of("leader"));
    return Stream.of(
        Arguments.of("* covers anything", List.of(admin), rule(List.of("delete"), List.of("apps"), List.of("deployments"), List.of()),
            List.of()),
        Arguments.of("a subset", List.of(readPods), rule(List.of("get"), List.of(""), List.of("pods"), List.of()), List.of()),
        Arguments.of("a missing verb", List.of(readPods), rule(List.of("get", "delete"), List.of(""), List.of("pods"), List.of()),
            List.of("{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}")),
        Arguments.of("* is not covered by a list", List.of(readPods), rule(List.of("get"), List.of(""), List.of("*"), List.of()),
            List.of("{APIGroups:[\"\"], Resources:[\"*\"], Verbs:[\"get\"]}")),
        Arguments.of("pods/* covers pods/log", List.of(podSubs), rule(List.of("get"), List.of(""), List.of("pods/log"), List.of()),
            List.of()),
        Arguments.of("a named rule does not cover all names", List.of(leader),
            rule(List.of("get"), List.of(""), List.of("configmaps"), List.of()),
            List.of("{APIGroups:[\"\"], Resources:[\"configmaps\"], Verbs:[\"get\"]}")),
        Arguments.of("a named rule covers that name", List.of(leader),
            rule(List.of("get"), List.of(""), List.of("configmaps"), List.of("leader")), List.of()),
        Arguments.of("urls by prefix", List.of(PolicyRule.urls(List.of("get"), List.of("/apis/*"))),
            PolicyRule.urls(List.of("get"), List.of("/apis/apps")), List.of()),
        Arguments.of("urls outside the prefix", List.of(PolicyRule.urls(List.of("get"), List.of("/apis/*"))),
            PolicyRule.urls(List.of("get"), List.of("/metrics")), List.of("{NonResourceURLs:[\"/metrics\"], Verbs:[\"get\"]}")));
  }
}
