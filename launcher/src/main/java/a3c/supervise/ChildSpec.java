package a3c.supervise;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start one child process.
 *
 * @param name the prefix of its output lines, e.g. {@code ps} or {@code worker-1}
 * @param command the full command line
 * @param directory its working directory
 */
public record ChildSpec(String name, List<String> command, Path directory) {
  public ChildSpec {
    command = List.copyOf(command);
  }

  /** A JVM running {@code mainClass} with the launcher's own JDK and classpath. */
  public static ChildSpec jvm(String name, Path directory, List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    return new ChildSpec(name, command, directory);
  }
}
