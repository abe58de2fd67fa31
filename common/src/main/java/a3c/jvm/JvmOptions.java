package a3c.jvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The options each kind of JVM starts with, as {@code scripts/jvm.options} declares them (packaged
 * beside this class); {@code scripts/lib.sh} reads the same file, so a JVM a script starts and one
 * the launcher starts get the same options. The file says why each option is there.
 */
public final class JvmOptions {
  private static final String FILE = "jvm.options";
  private static final String EVERY_KIND = "all";

  /** The kinds of JVM, each with its own options on top of those of every JVM. */
  public enum Kind {
    SERVER, WORKER, RELAY, LAUNCHER, TOOL, TEST;

    /** Its name in {@code jvm.options}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private JvmOptions() {}

  /** The options of a JVM of {@code kind} on the running JDK. */
  public static List<String> of(Kind kind) {
    return select(declared(), kind, Runtime.version().feature());
  }

  /** The running JDK's {@code java} and the options of {@code kind}: a command line up to the classpath. */
  public static List<String> java(Kind kind) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(of(kind));
    return List.copyOf(command);
  }

  /**
   * The options {@code lines} (in the file's format) declare for every JVM and for {@code kind}, on
   * JDK {@code feature}, in their order.
   */
  static List<String> select(List<String> lines, Kind kind, int feature) {
    List<String> options = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\\s+");
      if (fields.length != 3 || !fields[1].matches("\\d+") || !isKind(fields[0])) {
        throw new IllegalStateException(FILE + " line " + (i + 1) + ": expected KIND FROM-JDK OPTION with KIND one of "
            + EVERY_KIND + ", " + labels() + ", got '" + line + "'");
      }
      if ((fields[0].equals(EVERY_KIND) || fields[0].equals(kind.label())) && feature >= Integer.parseInt(fields[1])) {
        options.add(fields[2]);
      }
    }
    return List.copyOf(options);
  }

  /** The lines of the packaged {@code jvm.options}. */
  static List<String> declared() {
    try (InputStream in = JvmOptions.class.getResourceAsStream(FILE)) {
      if (in == null) {
        throw new IllegalStateException(FILE + " is missing beside " + JvmOptions.class.getName() + "; rebuild the jars");
      }
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(FILE + " cannot be read", e);
    }
  }

  private static boolean isKind(String label) {
    return label.equals(EVERY_KIND) || labels().contains(label);
  }

  private static List<String> labels() {
    return Arrays.stream(Kind.values()).map(Kind::label).toList();
  }
}
