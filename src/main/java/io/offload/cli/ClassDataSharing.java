package io.offload.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Class-data sharing archives for the demo's child JVMs, one per role (service, rank): the JVM
 * maps the classes it loaded last time instead of loading and verifying them again (issue 16,
 * fault 9: dozens of JVMs starting on two cores).
 *
 * <p>Java 17 has no {@code -XX:+AutoCreateSharedArchive} (Java 19): the first child of a role
 * records with {@code -XX:ArchiveClassesAtExit} into a temporary file, which becomes the role's
 * archive once that child exited normally; later children start with
 * {@code -XX:SharedArchiveFile} (and {@code -Xshare:auto}: an unusable archive is ignored, never
 * fatal). Archives are named after a digest of the JVM and of every classpath jar (path, size,
 * modification time), so a rebuilt jar gets a new one; older ones of the role are deleted. The
 * JVM only archives classes from jars: with a directory on the classpath (tests, IDEs) this does
 * nothing.
 *
 * <p>Thread safety: safe from any thread.
 */
final class ClassDataSharing {

  private final Path dir;
  private final String key;
  private final Map<String, Long> trainers = new ConcurrentHashMap<>();

  private ClassDataSharing(Path dir, String key) {
    this.dir = dir;
    this.key = key;
  }

  /** For children started with {@code classpath}; disabled unless it is made of jars only. */
  static ClassDataSharing forClasspath(String classpath) {
    List<Path> jars = new ArrayList<>();
    StringBuilder digest = new StringBuilder(System.getProperty("java.home")).append('|')
        .append(System.getProperty("java.vm.version"));
    for (String entry : classpath.split(File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath();
      if (!entry.endsWith(".jar") || !Files.isRegularFile(p)) {
        return new ClassDataSharing(null, null);
      }
      jars.add(p);
      try {
        digest.append('|').append(p).append(':').append(Files.size(p)).append(':')
            .append(Files.getLastModifiedTime(p).toMillis());
      } catch (IOException e) {
        return new ClassDataSharing(null, null);
      }
    }
    if (jars.isEmpty()) {
      return new ClassDataSharing(null, null);
    }
    Path dir = jars.get(0).getParent();
    if (dir == null || !Files.isWritable(dir)) {
      dir = Path.of(System.getProperty("java.io.tmpdir"));
    }
    return new ClassDataSharing(dir, Integer.toHexString(digest.toString().hashCode()));
  }

  boolean enabled() {
    return dir != null;
  }

  Path archive(String role) {
    return dir.resolve("offload-cds-" + role + "-" + key + ".jsa");
  }

  private Path recording(String role) {
    return dir.resolve("offload-cds-" + role + "-" + key + ".jsa." + ProcessHandle.current().pid() + ".tmp");
  }

  /** JVM flags for the next child of {@code role}. */
  List<String> flags(String role) {
    if (!enabled()) {
      return List.of();
    }
    Path archive = archive(role);
    if (Files.isRegularFile(archive)) {
      return List.of("-XX:SharedArchiveFile=" + archive);
    }
    if (trainers.putIfAbsent(role, -1L) == null) {
      return List.of("-XX:ArchiveClassesAtExit=" + recording(role));
    }
    return List.of();
  }

  /** Records which child records the archive of {@code role}. */
  void started(String role, long pid) {
    trainers.replace(role, -1L, pid);
  }

  /** A child of {@code role} exited with {@code code}: its recording, if any, becomes the archive. */
  void exited(String role, long pid, int code) {
    if (!enabled() || trainers.getOrDefault(role, 0L) != pid) {
      return;
    }
    Path recording = recording(role);
    try {
      // 0: a rank finished; 143: a service process finalized on SIGTERM. Anything else may have cut the dump short.
      if ((code == 0 || code == 143) && Files.isRegularFile(recording) && Files.size(recording) > 0) {
        deleteOthers(role);
        Files.move(recording, archive(role), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.deleteIfExists(recording);
      }
    } catch (IOException e) {
      // no archive this time: children start without one
    }
  }

  private void deleteOthers(String role) throws IOException {
    try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "offload-cds-" + role + "-*.jsa")) {
      for (Path p : old) {
        Files.deleteIfExists(p);
      }
    }
  }
}
