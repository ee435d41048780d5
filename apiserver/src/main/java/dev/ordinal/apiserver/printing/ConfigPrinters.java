package dev.ordinal.apiserver.printing;

import static dev.ordinal.apiserver.printing.Printer.col;

import java.util.List;

/** ConfigMaps, Secrets and ServiceAccounts. */
final class ConfigPrinters {
  private ConfigPrinters() {}

  static final TablePrinter CONFIG_MAP = new Printer(List.of(
      Printer.NAME,
      col("Data", "integer", "Number of data entries"),
      Printer.AGE),
      (cm, now) -> List.of(Cells.text(cm, "metadata", "name"), cm.path("data").size() + cm.path("binaryData").size(), Cells.age(cm, now)));

  static final TablePrinter SECRET = new Printer(List.of(
      Printer.NAME,
      col("Type", "string", "The type of the secret"),
      col("Data", "integer", "Number of data entries"),
      Printer.AGE),
      (s, now) -> List.of(Cells.text(s, "metadata", "name"), Cells.text(s, "type"), s.path("data").size(), Cells.age(s, now)));

  static final TablePrinter SERVICE_ACCOUNT = new Printer(List.of(
      Printer.NAME,
      col("Secrets", "integer", "Number of secrets the service account holds"),
      Printer.AGE),
      (sa, now) -> List.of(Cells.text(sa, "metadata", "name"), sa.path("secrets").size(), Cells.age(sa, now)));

  static final TablePrinter DEFAULT = new Printer(List.of(Printer.NAME, Printer.AGE),
      (o, now) -> List.of(Cells.text(o, "metadata", "name"), Cells.age(o, now)));
}
