package dev.ordinal.api.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CronScheduleTest {
  private static final ZoneId UTC = ZoneId.of("UTC");

  @ParameterizedTest
  @CsvSource({
      "'*/5 * * * *', 2026-12-02T05:21:00Z, 2026-12-02T05:25Z[UTC]",
      "'* * * * *', 2026-12-02T05:21:30Z, 2026-12-02T05:22Z[UTC]",
      "'0 3 * * *', 2026-12-02T05:21:00Z, 2026-12-03T03:00Z[UTC]",
      "'@hourly', 2026-12-02T05:00:00Z, 2026-12-02T06:00Z[UTC]",
      "'@daily', 2026-12-02T05:00:00Z, 2026-12-03T00:00Z[UTC]",
      "'@midnight', 2026-12-02T05:00:00Z, 2026-12-03T00:00Z[UTC]",
      "'@weekly', 2026-12-02T05:00:00Z, 2026-12-06T00:00Z[UTC]",
      "'@monthly', 2026-12-02T05:00:00Z, 2027-01-01T00:00Z[UTC]",
      "'@yearly', 2026-12-02T05:00:00Z, 2027-01-01T00:00Z[UTC]",
      "'@annually', 2026-12-02T05:00:00Z, 2027-01-01T00:00Z[UTC]",
      "'30 9 * jan-mar mon-fri', 2026-12-02T05:00:00Z, 2027-01-01T09:30Z[UTC]",
      "'0 0 13 * 5', 2026-12-02T05:00:00Z, 2026-12-04T00:00Z[UTC]",
      "'0 0 29 2 *', 2026-12-02T05:00:00Z, 2028-02-29T00:00Z[UTC]",
      "'0 12 * * 7', 2026-12-02T05:00:00Z, 2026-12-06T12:00Z[UTC]",
      "'1,2,10-12/2 * * * *', 2026-12-02T05:03:00Z, 2026-12-02T05:10Z[UTC]",
  })
  void nextActivation(String spec, String after, String expected) {
    ZonedDateTime next = CronSchedule.parse(spec).next(ZonedDateTime.parse(after), UTC);
    assertEquals(expected, next.toString());
  }

  @ParameterizedTest
  @CsvSource({
      "'0 9 * * *', 2026-12-02T05:00:00Z, America/New_York, 2026-12-02T14:00:00Z",
      "'0 9 * * *', 2026-07-02T05:00:00Z, Europe/Berlin, 2026-07-02T07:00:00Z",
  })
  void timeZones(String spec, String after, String zone, String expectedUtc) {
    ZonedDateTime next = CronSchedule.parse(spec).next(ZonedDateTime.parse(after), ZoneId.of(zone));
    assertEquals(expectedUtc, next.toInstant().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
      "* * * * 8", "*/0 * * * *", "5-1 * * * *", "x * * * *", "@every 5m", "@sometimes"})
  void rejects(String spec) {
    assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(spec));
  }
}
