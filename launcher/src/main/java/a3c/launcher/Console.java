package a3c.launcher;

import a3c.files.WriteFailures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where the launcher's lines go: the console and, once a run has opened it, its {@code launcher.log}.
 * A progress line stays at the bottom of a terminal and is rewritten in place; elsewhere (a pipe, a
 * file) it is printed like any other line. Lines come from several threads at once (the children's
 * output, signal handlers), so each is written whole.
 */
final class Console {
  private static final String CLEAR_LINE = "\r\033[K";

  private final PrintWriter out;
  private final boolean terminal;
  private final Object lock = new Object();
  /** Not through {@link #say}, which writes the log. */
  private final WriteFailures logFailures;
  private Writer log;
  private String statusLine;

  /** @param terminal whether {@code out} is a terminal, where the progress line is rewritten in place */
  Console(PrintWriter out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
    this.logFailures = new WriteFailures(line -> out.println("[launcher] " + line));
  }

  /** From now on every line goes to {@code file} too, appended. */
  void openLog(Path file) throws IOException {
    Writer opened = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    synchronized (lock) {
      log = opened;
    }
  }

  void say(String line) {
    synchronized (lock) {
      if (statusLine != null) {
        out.print(CLEAR_LINE);
      }
      out.println(line);
      if (statusLine != null) {
        out.print(statusLine);
      }
      out.flush();
      writeLog(line);
    }
  }

  /** A progress line: in place on a terminal, an ordinary line elsewhere; the log gets every one. */
  void progress(String line) {
    if (!terminal) {
      say(line);
      return;
    }
    synchronized (lock) {
      statusLine = line;
      out.print(CLEAR_LINE + line);
      out.flush();
      writeLog(line);
    }
  }

  /** The last progress line stays on screen as an ordinary line. */
  void endProgress() {
    synchronized (lock) {
      if (statusLine != null) {
        out.println();
        statusLine = null;
      }
    }
  }

  void closeLog() throws IOException {
    synchronized (lock) {
      if (log != null) {
        log.close();
        log = null;
      }
    }
  }

  private void writeLog(String line) {
    if (log == null) {
      return;
    }
    try {
      log.write(line);
      log.write(System.lineSeparator());
      log.flush();
      logFailures.succeeded("launcher.log");
    } catch (IOException e) {
      logFailures.failed("launcher.log", e);
    }
  }
}
