package a3c.supervise;

import a3c.jvm.JvmOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How to start one child process.
 *
 * @param name the prefix of its output lines, e.g. {@code ps} or {@code worker-1}
 * @param command the full command line
 * @param directory its working directory
 * @param environment variables added to the launcher's own (secrets go here, not on the command line)
 */
public record ChildSpec(String name, List<String> command, Path directory, Map<String, String> environment) {
  public ChildSpec {
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
  }

  /**
   * The command line that starts the launcher's own JDK, with the options of a JVM of {@code kind}
   * and the launcher's classpath, up to the main class.
   */
  public static List<String> javaCommand(JvmOptions.Kind kind) {
    List<String> command = new ArrayList<>(JvmOptions.java(kind));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    return List.copyOf(command);
  }

  /** A JVM running {@code mainClass}: {@code javaCommand}, then the main class and its arguments. */
  public static ChildSpec jvm(String name, Path directory, Map<String, String> environment, List<String> javaCommand,
      String mainClass, List<String> args) {
    List<String> command = new ArrayList<>(javaCommand);
    command.add(mainClass);
    command.addAll(args);
    return new ChildSpec(name, command, directory, environment);
  }
}
