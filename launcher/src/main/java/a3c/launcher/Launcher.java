package a3c.launcher;

import a3c.checkpoint.CheckpointFolder;
import a3c.machine.Machine;
import a3c.supervise.JvmCache;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs one training job as the reference's {@code main.py} does, but with processes that are JVMs:
 * a parameter server, then N workers, all supervised ({@link RunSupervisor}; their command lines:
 * {@link ChildCommands}). Then one summary line, the score chart, the greedy test games when the
 * target was reached, and the JVM caches the run recorded. Its lines go to the console and the run's
 * {@code launcher.log} ({@link Console}).
 */
public final class Launcher {
  private final LaunchConfig config;
  private final PrintWriter out;
  private final Console console;
  private final ScoresChart scores;
  private final JvmCache jvmCache;
  private final RunSupervisor supervisor;

  /** @param terminal whether the console is a terminal, where the progress line is rewritten in place */
  public Launcher(LaunchConfig config, PrintWriter console, boolean terminal) {
    this.config = config;
    this.out = console;
    this.console = new Console(console, terminal);
    this.scores = new ScoresChart(config.runDir(), this.console::say);
    this.jvmCache = config.jvmCache() == null ? null : new JvmCache(config.jvmCache());
    this.supervisor = new RunSupervisor(config, this.console, scores, jvmCache);
  }

  /**
   * First Ctrl-C or SIGTERM: a graceful stop with a final checkpoint. No child is restarted from now
   * on, and each is asked to stop (SIGTERM) as a Ctrl-C at a terminal asks them all (SIGINT to the
   * process group): the server writes its final checkpoint, a worker ends its rollout or its wait.
   */
  public void requestStop() {
    supervisor.requestStop();
  }

  /** Second Ctrl-C: everything stops at once. */
  public void killAll() {
    supervisor.killAll();
  }

  /** The first SIGINT or SIGTERM asks for a graceful stop ({@link #requestStop}), the second kills everything. */
  public void stopOnSignals() {
    AtomicInteger interrupts = new AtomicInteger();
    SignalHandler onSignal = signal -> {
      if (interrupts.incrementAndGet() == 1) {
        out.println("[launcher] stopping gracefully (final checkpoint); press Ctrl-C again to stop at once");
        out.flush();
        requestStop();
      } else {
        try {
          killAll();
        } finally {
          Runtime.getRuntime().halt(RunOutcome.STOPPED_BY_USER.exitCode());
        }
      }
    };
    Signal.handle(new Signal("INT"), onSignal);
    Signal.handle(new Signal("TERM"), onSignal);
  }

  public RunOutcome run() throws IOException, InterruptedException {
    Files.createDirectories(config.runDir());
    console.openLog(config.runDir().resolve("launcher.log"));
    long startNanos = System.nanoTime();
    console.say("run directory " + config.runDir().toAbsolutePath());
    console.say(Machine.current().toString());
    RunSupervisor.Ended ended = supervisor.run(startNanos);
    console.endProgress();
    console.say(StatusLines.summary(config, ended.last(), (System.nanoTime() - startNanos) / 1e9, ended.outcome()));
    scores.draw();
    if (ended.outcome() == RunOutcome.TARGET_REACHED && config.testGames() > 0) {
      CheckpointFolder.Loaded trained = CheckpointFolder.load(config.checkpointDir());
      console.say("test phase: " + config.testGames() + " " + config.testPolicy().flag() + " games with " + trained.file());
      TestGames.play(config.envName(), config.romDir(), trained.checkpoint(), config.testGames(), 0, config.runDir(), out,
          config.engine(), config.testPolicy());
    }
    if (jvmCache != null) {
      // After the summary: the first run of a build pays these seconds once, outside its own figures.
      jvmCache.assemble().forEach(line -> console.say("[launcher] " + line));
    }
    console.closeLog();
    return ended.outcome();
  }
}
