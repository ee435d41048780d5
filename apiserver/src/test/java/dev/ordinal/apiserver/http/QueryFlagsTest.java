package dev.ordinal.apiserver.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Boolean query parameters as Kubernetes' conversion reads them. */
class QueryFlagsTest {
  @Test
  void onlyAbsenceZeroAndFalseAreFalse() {
    assertThat(Arrays.asList(null, "0", "false", "False", "FALSE")).allSatisfy(v -> assertThat(Exchange.bool(v)).as(v).isFalse());
    // Python's str(True), Go's other spellings, and a bare ?watch all watch
    assertThat(Arrays.asList("true", "True", "TRUE", "1", "t", "yes", "")).allSatisfy(v -> assertThat(Exchange.bool(v)).as(v).isTrue());
  }
}
