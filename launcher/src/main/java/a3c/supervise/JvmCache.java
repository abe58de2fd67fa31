package a3c.supervise;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An ahead-of-time cache per kind of child JVM (JEP 483; from JDK 25 with the method profiles of
 * JEP 515), so that a run's JVMs start with their classes loaded and linked and C2 compiles the hot
 * loops without waiting for profiles. On a 2-core machine the three JVMs of a Pong run otherwise
 * spend their first seconds loading classes and compiling while they compete for both cores.
 *
 * <p>A cache is keyed by the JDK, the JVM's command line and every jar's size and time, so a new
 * build or JDK gets a new one. Without one, the first JVM of a kind records which classes it
 * loads and what it profiles ({@code -XX:AOTMode=record}, written at its exit), and
 * {@link #assemble} turns the recordings into caches after the run. A JVM whose cache does not fit
 * runs without it ({@code -XX:AOTMode=auto}, the default). JDKs before 24, and classpaths with
 * folders (which the JDK cannot cache), get no options.
 */
public final class JvmCache {
  static final int FIRST_RELEASE = 24;
  private static final String CACHE = ".aot";
  private static final String RECORDING = ".aotconf";

  private final Path directory;
  /** The recordings asked for since the last {@link #assemble}, by kind: their file and java command. */
  private final Map<String, Recording> recordings = new LinkedHashMap<>();

  private record Recording(Path configuration, Path cache, List<String> javaCommand) {}

  /** @param directory where caches live; created when the first is recorded */
  public JvmCache(Path directory) {
    this.directory = directory;
  }

  /** The user's cache folder: {@code $XDG_CACHE_HOME/a3c-java/jvm}, else {@code ~/.cache/a3c-java/jvm}. */
  public static Path defaultDirectory() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("a3c-java").resolve("jvm");
  }

  /**
   * The options that make a JVM of this kind use its cache, or record one when there is none and
   * {@code record} is set. {@code javaCommand} is the command line up to the main class.
   */
  public synchronized List<String> options(String kind, List<String> javaCommand, boolean record) {
    if (Runtime.version().feature() < FIRST_RELEASE || !jarsOnly(javaCommand)) {
      return List.of();
    }
    String key = kind + "-" + key(javaCommand);
    Path cache = directory.resolve(key + CACHE);
    if (Files.isRegularFile(cache)) {
      return List.of("-XX:AOTCache=" + cache);
    }
    if (!record) {
      return List.of();
    }
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      return List.of();
    }
    Path configuration = directory.resolve(key + RECORDING);
    recordings.put(kind, new Recording(configuration, cache, List.copyOf(javaCommand)));
    // The JDK prints where it wrote the recording; nobody needs to read that in a run's log.
    return List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + configuration, "-Xlog:aot*=off", "-Xlog:cds*=off");
  }

  /**
   * Turns the recordings of JVMs that have exited into caches, replacing older caches of the same
   * kinds, and returns one line per cache made or failed.
   */
  public synchronized List<String> assemble() throws InterruptedException {
    List<String> report = new ArrayList<>();
    for (var entry : recordings.entrySet()) {
      Recording recording = entry.getValue();
      if (!Files.isRegularFile(recording.configuration())) {
        continue;
      }
      try {
        if (Files.size(recording.configuration()) == 0) {
          // The JDK opens the recording as the JVM starts and fills it at its exit: this JVM was
          // killed (a restart, a hang), and the next recorder tries again.
          Files.deleteIfExists(recording.configuration());
          continue;
        }
      } catch (IOException e) {
        continue;
      }
      long start = System.nanoTime();
      Path partial = recording.cache().resolveSibling(recording.cache().getFileName() + ".partial");
      List<String> command = new ArrayList<>(recording.javaCommand());
      command.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + recording.configuration(),
          "-XX:AOTCache=" + partial, "-Xlog:aot*=off", "-Xlog:cds*=off"));
      try {
        Process create = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!create.waitFor(120, TimeUnit.SECONDS)) {
          create.destroyForcibly();
        }
        if (create.exitValue() == 0 && Files.isRegularFile(partial)) {
          removeOthers(entry.getKey(), recording.cache());
          Files.move(partial, recording.cache(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          report.add(String.format("JVM cache for the %s made in %.1f s: %s", entry.getKey(),
              (System.nanoTime() - start) / 1e9, recording.cache()));
        } else {
          report.add("JVM cache for the " + entry.getKey() + " not made (java exited with " + create.exitValue() + ")");
        }
        Files.deleteIfExists(recording.configuration());
        Files.deleteIfExists(partial);
      } catch (IOException | IllegalThreadStateException e) {
        report.add("JVM cache for the " + entry.getKey() + " not made: " + e.getMessage());
      }
    }
    recordings.clear();
    return report;
  }

  /** Deletes the caches of this kind for other builds or JDKs. */
  private void removeOthers(String kind, Path keep) throws IOException {
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(directory, kind + "-*" + CACHE)) {
      for (Path file : stale) {
        if (!file.equals(keep)) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private static boolean jarsOnly(List<String> javaCommand) {
    String classpath = classpath(javaCommand);
    if (classpath == null || classpath.isEmpty()) {
      return false;
    }
    for (String entry : classpath.split(File.pathSeparator)) {
      if (!entry.endsWith(".jar") || !Files.isRegularFile(Path.of(entry))) {
        return false;
      }
    }
    return true;
  }

  private static String classpath(List<String> javaCommand) {
    int flag = Math.max(javaCommand.indexOf("-cp"), javaCommand.indexOf("-classpath"));
    return flag >= 0 && flag + 1 < javaCommand.size() ? javaCommand.get(flag + 1) : null;
  }

  /** A digest of the JDK, the command line and each jar's size and modification time. */
  static String key(List<String> javaCommand) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      List<String> parts = new ArrayList<>(javaCommand);
      parts.add(System.getProperty("java.vm.version"));
      for (String entry : classpath(javaCommand).split(File.pathSeparator)) {
        Path jar = Path.of(entry);
        parts.add(Files.size(jar) + "@" + Files.getLastModifiedTime(jar).toMillis());
      }
      for (String part : parts) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
