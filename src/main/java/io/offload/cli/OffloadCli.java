package io.offload.cli;

import io.offload.topology.TopologyException;
import io.offload.ucx.UcxUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/**
 * {@code offload}: run a service process, a rank, or the demo job.
 */
@Command(name = "offload", mixinStandardHelpOptions = true, version = "offload-contexts 0.1.0",
    description = "Execution contexts between ranks and service processes over UCX.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:bootstrap or run-time failure (the reason is printed on one line)",
        "2:bad command-line options",
        "3:UCX is not installed (apt-get install -y libucx0)",
        "4:invalid configuration file (topology, secret)",
        "5:cannot listen (port in use, bad address)",
        "6:offload service --job: the job ended, but some rank was lost instead of finalizing"},
    footerHeading = "%nCommands of the ./offload script (in a source checkout):%n",
    footer = {
        "  test               the whole test suite (mvn -B test)",
        "  bench              benchmarks beside their raw baselines (see bench --help)",
        "  example [NAME]     run one of the programs in examples/ (no NAME: list them)"})
public final class OffloadCli {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int NO_UCX = 3;
  public static final int BAD_CONFIG = 4;
  public static final int CANNOT_LISTEN = 5;
  public static final int JOB_RANKS_LOST = 6;

  /**
   * The subcommands, in help order. They are added in code, not listed in {@code @Command}: picocli
   * builds a command's whole model from its annotations when it is added, and building all of them
   * for every child JVM of the demo cost a quarter of a rank's start-up in the main thread.
   */
  static final List<Class<?>> COMMANDS = List.of(ServiceCommand.class, RankCommand.class, DemoCommand.class,
      TopologyCommand.class, AlltoallvCommand.class, AlltoallvRankCommand.class, CacheCommand.class);

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
  }

  /** As {@link #run(String...)}, with picocli's help and error output going to {@code out} and {@code err}. */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    StartupProperties.apply();
    return withCommandsFor(new CommandLine(new OffloadCli(), new CommandFactory()), args).setOut(out).setErr(err)
        .setParameterExceptionHandler((ex, ignored) -> Usage.print(ex))
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("offload: " + oneLine(e));
          return exitCodeOf(e);
        })
        .execute(args);
  }

  /**
   * Adds the one subcommand that {@code args} name first, or every subcommand when they name none
   * ({@code --help}, a typo: the list and picocli's suggestions need them all).
   */
  static CommandLine withCommandsFor(CommandLine top, String... args) {
    String first = args.length > 0 ? args[0] : "";
    for (Class<?> command : COMMANDS) {
      if (command.getAnnotation(Command.class).name().equals(first)) {
        return top.addSubcommand(command);
      }
    }
    COMMANDS.forEach(top::addSubcommand);
    return top;
  }

  /** The exit code for a failure, as documented in --help. */
  static int exitCodeOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UcxUnavailableException || t instanceof UnsatisfiedLinkError) {
        return NO_UCX;
      }
      if (t instanceof ConfigException || t instanceof TopologyException) {
        return BAD_CONFIG;
      }
      if (t.getMessage() != null && t.getMessage().startsWith("cannot listen")) {
        return CANNOT_LISTEN;
      }
    }
    return FAILED;
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replace('\n', ' ');
  }
}
