package a3c.supervise;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * A child process kept alive: its output lines go to a sink with its name in front; when it exits
 * in a way {@code restartOn} accepts, it is started again (from a fresh spec, so a parameter server
 * can resume from its newest checkpoint) with backoff, until the policy's restarts are spent.
 * {@link #finished()} completes with the exit code of the last run once the child is done for good.
 */
public final class SupervisedChild {
  private final Supplier<ChildSpec> spec;
  private final RestartPolicy policy;
  private final IntPredicate restartOn;
  private final Consumer<String> output;
  private final CompletableFuture<Integer> finished = new CompletableFuture<>();
  private volatile Process process;
  private volatile boolean stopping;
  private volatile int restarts;
  private volatile long startedNanos;
  private int failuresInARow;
  /** The exit code of a run whose restart waits for its backoff; null while none waits. */
  private Integer awaitingRestart;

  /**
   * @param restartOn which exit codes call for a restart (e.g. any but 0 for a worker)
   * @param output receives every line the child prints, and the supervisor's own notes, prefixed
   */
  public SupervisedChild(Supplier<ChildSpec> spec, RestartPolicy policy, IntPredicate restartOn, Consumer<String> output) {
    this.spec = spec;
    this.policy = policy;
    this.restartOn = restartOn;
    this.output = output;
  }

  public synchronized SupervisedChild start() throws IOException {
    ChildSpec current = spec.get();
    ProcessBuilder builder = new ProcessBuilder(current.command()).directory(current.directory().toFile())
        .redirectErrorStream(true);
    builder.environment().putAll(current.environment());
    Process started = builder.start();
    process = started;
    startedNanos = System.nanoTime();
    output.accept("[supervisor] started " + current.name() + " (pid " + started.pid() + ")");
    pump(current.name(), started);
    started.onExit().thenAccept(exited -> onExit(current.name(), exited.exitValue()));
    return this;
  }

  /** The process of the current run (changes on restart). */
  public Process process() {
    return process;
  }

  public int restarts() {
    return restarts;
  }

  /** Completes with the last exit code once the child will not be restarted again. */
  public CompletableFuture<Integer> finished() {
    return finished;
  }

  /**
   * Starts no run after the current one, which ends as it will: a restart waiting for its backoff is
   * dropped, and the child is done for good at once.
   */
  public synchronized void endRestarts() {
    stopping = true;
    if (awaitingRestart != null) {
      finished.complete(awaitingRestart);
    }
  }

  /** Asks the child to stop (SIGTERM) and not to be restarted. */
  public void terminate() {
    endRestarts();
    Process current = process;
    if (current != null) {
      // Through the handle: Process.destroy() would also close the pipe and lose the child's last words.
      current.toHandle().destroy();
    }
  }

  /** Kills the child and its descendants at once (SIGKILL) and does not restart it. */
  public void kill() {
    endRestarts();
    Process current = process;
    if (current != null) {
      current.descendants().forEach(ProcessHandle::destroyForcibly);
      current.toHandle().destroyForcibly();
    }
  }

  /**
   * Kills the current run at once (SIGKILL) as if it had crashed, so that the policy restarts it:
   * for a child that is hung, which no gentler signal reaches (a stopped process queues SIGTERM).
   */
  public void killToRestart() {
    Process current = process;
    if (current != null && !stopping) {
      current.descendants().forEach(ProcessHandle::destroyForcibly);
      current.toHandle().destroyForcibly();
    }
  }

  /** Waits for the child to be done for good; SIGTERM after {@code grace}, SIGKILL after twice that. */
  public int stop(Duration grace) throws InterruptedException {
    stopAll(List.of(this), grace);
    return finished.join();
  }

  /**
   * {@link #stop} for several children at once: each gets the same {@code grace}, counted from now,
   * not one after another. None is restarted meanwhile: one waiting for its restart is done at once.
   */
  public static void stopAll(List<SupervisedChild> children, Duration grace) throws InterruptedException {
    children.forEach(SupervisedChild::endRestarts);
    CompletableFuture<Void> all = CompletableFuture.allOf(children.stream().map(SupervisedChild::finished)
        .toArray(CompletableFuture[]::new));
    if (awaitDone(all, grace)) {
      return;
    }
    children.stream().filter(child -> !child.finished.isDone()).forEach(SupervisedChild::terminate);
    if (awaitDone(all, grace)) {
      return;
    }
    children.stream().filter(child -> !child.finished.isDone()).forEach(SupervisedChild::kill);
    all.join();
  }

  private static boolean awaitDone(CompletableFuture<Void> all, Duration timeout) throws InterruptedException {
    try {
      all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private synchronized void onExit(String name, int code) {
    if (stopping || !restartOn.test(code) || restarts >= policy.maxRestarts()) {
      if (!stopping && restartOn.test(code)) {
        output.accept("[supervisor] " + name + " exited with " + code + "; no restarts left (" + restarts + " used)");
      }
      finished.complete(code);
      return;
    }
    restarts++;
    boolean ranWell = System.nanoTime() - startedNanos >= RestartPolicy.HEALTHY_RUN.toNanos();
    failuresInARow = ranWell ? 1 : failuresInARow + 1;
    Duration wait = policy.backoff(failuresInARow);
    output.accept("[supervisor] " + name + " exited with " + code + "; restart " + restarts + "/" + policy.maxRestarts()
        + " in " + wait.toMillis() + " ms");
    awaitingRestart = code;
    CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
      try {
        synchronized (this) {
          awaitingRestart = null;
          if (stopping) {
            finished.complete(code);
            return;
          }
          start();
        }
      } catch (IOException | RuntimeException e) {
        output.accept("[supervisor] cannot restart " + name + ": " + e);
        finished.complete(code);
      }
    });
  }

  private void pump(String name, Process started) {
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          output.accept("[" + name + "] " + line);
        }
      } catch (IOException e) {
        output.accept("[" + name + "] <output closed: " + e.getMessage() + ">");
      }
    }, "output-" + name);
    pump.setDaemon(true);
    pump.start();
  }
}
