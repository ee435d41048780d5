package dev.ordinal.node.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.node.images.ImageSourceRule.Facts;
import dev.ordinal.node.images.ImageSourceRule.Source;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The source rule of docs/images.md with each pull policy. */
class ImageSourceRuleTest {
  @ParameterizedTest(name = "{0} stored={1} imported={2} registry={3} host={4} canPull={5} -> {6}")
  @CsvSource({
      // policy,     stored, imported, registry, host,  canPull, source
      "IfNotPresent, true,  false,    true,     false, true,    STORE",
      "IfNotPresent, true,  true,     false,    true,  true,    STORE",
      "IfNotPresent, false, false,    true,     false, true,    PULL",
      "IfNotPresent, false, false,    true,     true,  true,    PULL",
      "IfNotPresent, false, false,    false,    true,  true,    HOST",
      "IfNotPresent, false, false,    false,    false, true,    PULL",
      "IfNotPresent, false, false,    false,    false, false,   UNAVAILABLE",
      "IfNotPresent, false, false,    true,     true,  false,   HOST",
      "Always,       true,  false,    true,     false, true,    PULL",
      "Always,       true,  false,    false,    false, true,    PULL",
      "Always,       true,  true,     true,     false, true,    STORE",
      "Always,       true,  false,    true,     false, false,   STORE",
      "Always,       false, false,    false,    true,  true,    HOST",
      "Always,       false, false,    true,     true,  true,    PULL",
      "Always,       false, false,    false,    false, true,    PULL",
      "Never,        true,  false,    true,     false, true,    STORE",
      "Never,        false, false,    true,     false, true,    NEVER_PULL",
      "Never,        false, false,    false,    true,  true,    HOST",
      "Never,        false, false,    false,    false, false,   NEVER_PULL",
  })
  void decides(String policy, boolean stored, boolean imported, boolean registry, boolean host, boolean canPull, Source expected) {
    assertThat(ImageSourceRule.decide(new Facts(policy, stored, imported, registry, host, canPull))).isEqualTo(expected);
  }
}
