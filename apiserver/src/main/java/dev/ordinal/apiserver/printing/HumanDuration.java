package dev.ordinal.apiserver.printing;

import java.time.Duration;

/** Ages as kubectl prints them: 45s, 3m20s, 5h, 2d3h, 4y. */
public final class HumanDuration {
  private HumanDuration() {}

  public static String format(Duration d) {
    long s = d.getSeconds();
    if (s < 0) {
      return "<invalid>";
    }
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      return s % 60 == 0 ? m + "m" : m + "m" + (s % 60) + "s";
    }
    if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 8) {
      return m % 60 == 0 ? h + "h" : h + "h" + (m % 60) + "m";
    }
    if (h < 48) {
      return h + "h";
    }
    if (h < 24 * 8) {
      return h % 24 == 0 ? (h / 24) + "d" : (h / 24) + "d" + (h % 24) + "h";
    }
    if (h < 24 * 365 * 2) {
      return (h / 24) + "d";
    }
    if (h < 24 * 365 * 8) {
      long days = h / 24;
      return days % 365 == 0 ? (days / 365) + "y" : (days / 365) + "y" + (days % 365) + "d";
    }
    return (h / 24 / 365) + "y";
  }
}
