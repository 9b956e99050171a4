package io.offload.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Bad option values: each becomes a picocli {@link ParameterException}, which {@link OffloadCli}
 * prints as one line (with a pointer to {@code --help}) and exit code 2.
 */
final class Usage {

  private Usage() {
  }

  static ParameterException error(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Fails unless {@code min <= value <= max}. */
  static void range(CommandSpec spec, String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw error(spec, option + " must be " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? ">= " + min
          : "in [" + min + ", " + max + "]") + ", got " + value);
    }
  }

  /** {@code HOST:PORT} with a port in [1, 65535]; returns {host, port}. */
  static Object[] hostPort(CommandSpec spec, String option, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw error(spec, option + " must be HOST:PORT, got '" + value + "'");
    }
    String portText = value.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw error(spec, option + " must be HOST:PORT with a numeric port, got '" + value + "'");
    }
    if (port < 1 || port > 65535) {
      throw error(spec, option + " port must be in [1, 65535], got " + port);
    }
    return new Object[] {value.substring(0, colon), port};
  }

  /** The one line a usage error prints (the exit code is 2). */
  static int print(ParameterException ex) {
    CommandLine cmd = ex.getCommandLine();
    String name = cmd.getCommandSpec().qualifiedName();
    cmd.getErr().println(name + ": " + OffloadCli.oneLine(ex) + " (see '" + name + " --help')");
    cmd.getErr().flush();
    return OffloadCli.USAGE;
  }
}
