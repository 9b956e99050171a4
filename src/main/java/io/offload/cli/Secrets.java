package io.offload.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a shared secret from a file (first line, trimmed). */
final class Secrets {

  private Secrets() {
  }

  static String read(Path file) {
    if (file == null) {
      return null;
    }
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
      if (s.isEmpty()) {
        throw new ConfigException("secret file " + file + " is empty");
      }
      return s;
    } catch (IOException e) {
      throw new ConfigException("cannot read secret file " + file + ": " + e.getMessage(), e);
    }
  }
}
