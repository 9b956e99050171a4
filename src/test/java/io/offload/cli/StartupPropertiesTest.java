package io.offload.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up properties of the CLI: kept when the user set them, and no option loses its converter. */
class StartupPropertiesTest {

  @Test
  void shouldKeepAValueTheUserSet() {
    String before = System.getProperty(StartupProperties.NETTY_JFR);
    try {
      System.setProperty(StartupProperties.NETTY_JFR, "true");
      StartupProperties.apply();
      assertEquals("true", System.getProperty(StartupProperties.NETTY_JFR));
      System.clearProperty(StartupProperties.NETTY_JFR);
      StartupProperties.apply();
      assertEquals("false", System.getProperty(StartupProperties.NETTY_JFR));
    } finally {
      restore(StartupProperties.NETTY_JFR, before);
    }
  }

  @Test
  void shouldSetALogTimeFormatOnlyWhenTimeIsShown() {
    String show = System.getProperty(StartupProperties.LOG_SHOW_TIME);
    String format = System.getProperty(StartupProperties.LOG_TIME_FORMAT);
    try {
      System.clearProperty(StartupProperties.LOG_TIME_FORMAT);
      System.setProperty(StartupProperties.LOG_SHOW_TIME, "false");
      StartupProperties.apply();
      assertEquals(null, System.getProperty(StartupProperties.LOG_TIME_FORMAT), "no formatter to build");
      System.clearProperty(StartupProperties.LOG_SHOW_TIME);
      StartupProperties.apply();
      assertEquals("HH:mm:ss.SSS", System.getProperty(StartupProperties.LOG_TIME_FORMAT));
    } finally {
      restore(StartupProperties.LOG_SHOW_TIME, show);
      restore(StartupProperties.LOG_TIME_FORMAT, format);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  @Test
  void shouldExcludeNoConverterThatAnOptionOfTheCliNeeds() {
    StartupProperties.apply();
    String[] excludes = System.getProperty(StartupProperties.PICOCLI_CONVERTERS_EXCLUDES).split(",");
    List<String> types = new ArrayList<>();
    CommandLine top = new CommandLine(new OffloadCli(), new CommandFactory());
    OffloadCli.COMMANDS.forEach(top::addSubcommand);
    for (CommandLine sub : top.getSubcommands().values()) {
      for (OptionSpec option : sub.getCommandSpec().options()) {
        String type = option.type().getName();
        types.add(type);
        for (String regex : excludes) {
          assertFalse(type.matches(regex), sub.getCommandName() + " " + option.longestName() + " has type " + type
              + ", whose converter " + StartupProperties.PICOCLI_CONVERTERS_EXCLUDES + " excludes");
        }
      }
    }
    assertTrue(types.contains(Path.class.getName()), "the check saw the options: " + types);
    // and a converter picocli registers by reflection, beside the excluded ones, still converts
    CommandLine rank = new CommandLine(new OffloadCli(), new CommandFactory()).addSubcommand(RankCommand.class);
    CommandLine.ParseResult parsed = rank.parseArgs("rank", "--topology", "/tmp/t.json", "--rank", "0", "--size", "1");
    assertEquals(Path.of("/tmp/t.json"), parsed.subcommand().matchedOptionValue("--topology", null));
  }
}
