package dev.ordinal.api.cron;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Map;

/**
 * A CronJob schedule as robfig/cron's standard parser reads it (what the CronJob controller
 * uses): five fields (minute, hour, day of month, month, day of week) with lists, ranges, steps,
 * {@code *} and {@code ?}, month and weekday names, and the macros {@code @yearly}/{@code @annually},
 * {@code @monthly}, {@code @weekly}, {@code @daily}/{@code @midnight} and {@code @hourly}. As cron,
 * when both day fields are restricted a day matching either one fires. Immutable.
 */
public final class CronSchedule {
  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
  private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  private static final String[] DAYS = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean domStar;
  private final boolean dowStar;

  private CronSchedule(String[] f) {
    minutes = field(f[0], 0, 59, null);
    hours = field(f[1], 0, 23, null);
    daysOfMonth = field(f[2], 1, 31, null);
    months = field(f[3], 1, 12, MONTHS);
    BitSet dow = field(f[4], 0, 7, DAYS);
    if (dow.get(7)) {
      dow.set(0); // 7 is Sunday too
    }
    daysOfWeek = dow;
    domStar = f[2].startsWith("*") || f[2].equals("?");
    dowStar = f[4].startsWith("*") || f[4].equals("?");
  }

  /** Parses a schedule; throws IllegalArgumentException with robfig/cron's kind of message. */
  public static CronSchedule parse(String spec) {
    String s = spec.trim();
    if (s.startsWith("@")) {
      String expanded = MACROS.get(s.toLowerCase(java.util.Locale.ROOT));
      if (expanded == null) {
        throw new IllegalArgumentException("unrecognized descriptor: " + s);
      }
      s = expanded;
    }
    String[] f = s.split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException("expected exactly 5 fields, found " + f.length + ": [" + String.join(" ", f) + "]");
    }
    return new CronSchedule(f);
  }

  /** The first activation strictly after {@code after}, in {@code zone}; null when none within five years. */
  public ZonedDateTime next(ZonedDateTime after, ZoneId zone) {
    ZonedDateTime t = after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime limit = t.plusYears(5);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
        continue;
      }
      if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
        continue;
      }
      if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
        continue;
      }
      if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
        continue;
      }
      return t;
    }
    return null;
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
    if (domStar || dowStar) {
      return dom && dow;
    }
    return dom || dow;
  }

  private static BitSet field(String text, int min, int max, String[] names) {
    BitSet bits = new BitSet();
    for (String part : text.split(",", -1)) {
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), null, 0);
        if (step <= 0) {
          throw new IllegalArgumentException("step of range should be a positive number: " + part);
        }
      }
      int lo;
      int hi;
      if (range.equals("*") || range.equals("?")) {
        lo = min;
        hi = max;
      } else {
        int dash = range.indexOf('-');
        if (dash >= 0) {
          lo = number(range.substring(0, dash), names, min);
          hi = number(range.substring(dash + 1), names, min);
        } else {
          lo = number(range, names, min);
          hi = slash >= 0 ? max : lo;
        }
      }
      if (lo < min) {
        throw new IllegalArgumentException("beginning of range (" + lo + ") below minimum (" + min + "): " + part);
      }
      if (hi > max) {
        throw new IllegalArgumentException("end of range (" + hi + ") above maximum (" + max + "): " + part);
      }
      if (lo > hi) {
        throw new IllegalArgumentException("beginning of range (" + lo + ") beyond end of range (" + hi + "): " + part);
      }
      for (int v = lo; v <= hi; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String s, String[] names, int base) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equalsIgnoreCase(s)) {
          return i + (names == MONTHS ? 1 : 0);
        }
      }
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("failed to parse int from " + s + ": strconv.Atoi: parsing \"" + s + "\": invalid syntax");
    }
  }
}
