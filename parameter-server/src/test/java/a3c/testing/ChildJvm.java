package a3c.testing;

import a3c.jvm.JvmOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real child JVM running one of our main classes on the test classpath, with its output (stdout
 * and stderr merged) collected line by line so tests can wait for what it prints.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> transcript = new ArrayList<>();
  private final Thread reader;

  private ChildJvm(Process process) {
    this.process = process;
    this.reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          synchronized (transcript) {
            transcript.add(line);
          }
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("<output closed: " + e + ">");
      }
    }, "child-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code mainClass} with {@code args} in a new JVM, working directory {@code directory}. */
  public static ChildJvm start(Path directory, String mainClass, List<String> args) throws IOException {
    return start(directory, List.of(), mainClass, args);
  }

  public static ChildJvm start(Path directory, List<String> jvmArgs, String mainClass, List<String> args) throws IOException {
    List<String> command = new ArrayList<>(JvmOptions.java(JvmOptions.Kind.TEST));
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
    return new ChildJvm(builder.start());
  }

  /** Waits for a line matching {@code regex} and returns the match; fails with the transcript so far. */
  public Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no line matching /" + regex + "/ within " + timeout + "; output so far:\n" + transcript());
      }
      Matcher matcher = pattern.matcher(line);
      if (matcher.find()) {
        return matcher;
      }
    }
  }

  /** Waits until each of {@code regexes} has matched a line, in any order; fails with the transcript so far. */
  public void awaitLines(List<String> regexes, Duration timeout) throws InterruptedException {
    List<Pattern> waiting = new ArrayList<>(regexes.stream().map(Pattern::compile).toList());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!waiting.isEmpty()) {
      long left = deadline - System.nanoTime();
      String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no lines matching " + waiting + " within " + timeout + "; output so far:\n" + transcript());
      }
      waiting.removeIf(pattern -> pattern.matcher(line).find());
    }
  }

  /** Waits for the process to exit and returns its exit code; fails with the transcript on timeout. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("child did not exit within " + timeout + "; output so far:\n" + transcript());
    }
    reader.join(10_000);
    return process.exitValue();
  }

  public Process process() {
    return process;
  }

  /** Everything the child printed so far. */
  public String transcript() {
    synchronized (transcript) {
      return String.join("\n", transcript);
    }
  }

  /** Sends SIGTERM (through the handle: Process.destroy() would also close the pipe we read). */
  public void terminate() {
    process.toHandle().destroy();
  }

  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
