package dev.ordinal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyRangeTest {
  @Test
  void aPrefixEndsBeforeItsLastCharacterIncremented() {
    KeyRange range = KeyRange.ofPrefix("/pods/");

    assertThat(range.lower()).isEqualTo("/pods/");
    assertThat(range.upper()).isEqualTo("/pods0");
    assertThat(range.condition("key")).isEqualTo("key >= ? AND key < ?");
  }

  @Test
  void theEmptyPrefixIsUnbounded() {
    KeyRange range = KeyRange.ofPrefix("");

    assertThat(range.isBounded()).isFalse();
    assertThat(range.condition("key")).isEqualTo("key >= ?");
    assertThat(range.contains("/anything")).isTrue();
  }

  @Test
  void containsMeansStartsWith() {
    KeyRange range = KeyRange.ofPrefix("/a/");

    assertThat(range.contains("/a/b")).isTrue();
    assertThat(range.contains("/ab")).isFalse();
  }
}
