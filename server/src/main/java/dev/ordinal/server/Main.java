package dev.ordinal.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ordinal} command. */
@Command(
    name = "ordinal",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A single-binary, Kubernetes-API-compatible orchestrator for stateful services.",
    subcommands = {UpCommand.class, DownCommand.class, KubeconfigCommand.class, ImageCommand.class, TokenCommand.class,
        AgentCommand.class, MigrateCommand.class, ServerCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ordinal 0.1.0 (Kubernetes API v1.32)"};
    }
  }
}
