package io.offload.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Another JVM's threads, as {@code jcmd PID Thread.print -l} prints them: what a stuck child is doing. */
public final class ThreadDump {

  private ThreadDump() {
  }

  /** The thread dump of JVM {@code pid}, or a line saying why there is none (bounded: 30 s). */
  public static String of(long pid) {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    try {
      Process p = new ProcessBuilder(jcmd, String.valueOf(pid), "Thread.print", "-l").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "jcmd timed out\n" + out;
      }
      return out;
    } catch (IOException e) {
      return "no thread dump: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "no thread dump: interrupted";
    }
  }
}
