package a3c.bench;

import a3c.jvm.JvmOptions;
import a3c.launcher.LauncherCommand;
import a3c.net.Channels;
import a3c.proto.GetStatusRequest;
import a3c.proto.GetStatusResponse;
import a3c.rpc.ParameterServerGrpc;
import a3c.supervise.ChildSpec;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One launcher run as a user starts it (a child JVM with its own server and worker JVMs), measured
 * over a window that opens once every worker has pushed an update: agent steps per second from the
 * server's global step, the server's share of all the run's CPU time, mean staleness over the
 * window, and the resident memory of the server and the workers at its end. Then it is stopped as
 * Ctrl-C stops it, and whether it ended cleanly is part of the result.
 */
final class MeasuredLaunch {
  private static final Pattern READY = Pattern.compile("parameter server ready on [^ ]+:(\\d+)");
  private static final Pattern SERVER_PID = Pattern.compile("\\[supervisor\\] started ps \\(pid (\\d+)\\)");
  private static final Duration STOP_WAIT = Duration.ofSeconds(120);

  /**
   * @param activeWorkers workers that had pushed an update when the window opened
   * @param serverCpuShare the server's CPU time over the window, as a share of all the run's processes' CPU time
   * @param serverCores the server's CPU time over the window per second of it
   * @param rssBytes resident memory of the server and every worker at the window's end
   * @param exitCode the launcher's exit code after the stop (130: stopped by the user, as asked)
   * @param summary whether it printed its run-summary line
   */
  record Result(int workers, int activeWorkers, double agentStepsPerSecond, double serverCpuShare, double serverCores,
      double meanStaleness, long rssBytes, int exitCode, boolean summary) {}

  private MeasuredLaunch() {}

  /** Runs the launcher with {@code args} (which set --n-workers and the run folder), measures {@code window}, stops it. */
  static Result run(int workers, List<String> args, Duration warmupLimit, Duration window, Path log, PrintStream out)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(ChildSpec.javaCommand(JvmOptions.Kind.LAUNCHER));
    command.add(LauncherCommand.class.getName());
    command.addAll(args);
    Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    CompletableFuture<Long> serverPid = new CompletableFuture<>();
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread reader = Thread.ofPlatform().daemon().start(() -> readLines(launcher, lines, port, serverPid, log));
    ManagedChannel channel = null;
    try {
      long openBy = System.nanoTime() + warmupLimit.toNanos();
      channel = Channels.open("127.0.0.1:" + port.get(warmupLimit.toSeconds(), TimeUnit.SECONDS), null, null);
      ParameterServerGrpc.BlockingStub stub = ParameterServerGrpc.newBlockingStub(channel);
      GetStatusResponse start = status(stub);
      while (System.nanoTime() < openBy && active(start) < workers && launcher.isAlive()) {
        TimeUnit.MILLISECONDS.sleep(500);
        start = status(stub);
      }
      CpuTimes before = CpuTimes.of(launcher.toHandle(), serverPid.getNow(-1L));
      long startNanos = System.nanoTime();
      TimeUnit.NANOSECONDS.sleep(window.toNanos());
      GetStatusResponse end = status(stub);
      CpuTimes after = CpuTimes.of(launcher.toHandle(), serverPid.getNow(-1L));
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      long rss = after.rssBytes();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      channel = null;
      // SIGTERM through the handle: Process.destroy would also close the pipe the last lines come through.
      launcher.toHandle().destroy();
      boolean exited = launcher.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
      reader.join(TimeUnit.SECONDS.toMillis(10));
      long updates = end.getUpdates() - start.getUpdates();
      double staleness = updates <= 0 ? 0
          : (end.getMeanStaleness() * end.getUpdates() - start.getMeanStaleness() * start.getUpdates()) / updates;
      double serverCpu = after.serverSeconds() - before.serverSeconds();
      double allCpu = after.allSeconds() - before.allSeconds();
      boolean summary = lines.stream().anyMatch(line -> line.startsWith("run-summary "));
      return new Result(workers, active(start), (end.getGlobalStep() - start.getGlobalStep()) / seconds,
          allCpu > 0 ? serverCpu / allCpu : 0, serverCpu / seconds, staleness, rss, exited ? launcher.exitValue() : -1, summary);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      out.println("the launcher with " + workers + " workers did not get ready; its last lines:");
      synchronized (lines) {
        lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(out::println);
      }
      throw new IllegalStateException("launcher not ready within " + warmupLimit.toSeconds() + " s", e);
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
      if (launcher.isAlive()) {
        launcher.toHandle().destroy();
        if (!launcher.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
          launcher.descendants().forEach(ProcessHandle::destroyForcibly);
          launcher.destroyForcibly();
        }
      }
    }
  }

  private static int active(GetStatusResponse status) {
    return (int) status.getWorkersList().stream().filter(worker -> worker.getUpdates() > 0).count();
  }

  private static GetStatusResponse status(ParameterServerGrpc.BlockingStub stub) {
    try {
      return stub.withDeadlineAfter(10, TimeUnit.SECONDS).getStatus(GetStatusRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      return GetStatusResponse.getDefaultInstance();
    }
  }

  private static void readLines(Process launcher, List<String> lines, CompletableFuture<Integer> port,
      CompletableFuture<Long> serverPid, Path log) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8));
        var writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.add(line);
        writer.write(line);
        writer.newLine();
        Matcher ready = READY.matcher(line);
        if (ready.find()) {
          port.complete(Integer.parseInt(ready.group(1)));
        }
        Matcher pid = SERVER_PID.matcher(line);
        if (pid.find()) {
          serverPid.complete(Long.parseLong(pid.group(1)));
        }
      }
    } catch (IOException e) {
      port.completeExceptionally(e);
    }
  }

  /** CPU seconds of the server and of every process under the launcher, and their resident memory, at one moment. */
  private record CpuTimes(double serverSeconds, double allSeconds, long rssBytes) {
    static CpuTimes of(ProcessHandle launcher, long serverPid) {
      double server = 0;
      double all = 0;
      long rss = 0;
      for (ProcessHandle child : (Iterable<ProcessHandle>) launcher.descendants()::iterator) {
        double seconds = child.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
        all += seconds;
        if (child.pid() == serverPid) {
          server = seconds;
        }
        rss += residentBytes(child.pid());
      }
      return new CpuTimes(server, all, rss);
    }

    /** VmRSS of /proc/PID/status; 0 where there is none. */
    private static long residentBytes(long pid) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
          if (line.startsWith("VmRSS:")) {
            return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
          }
        }
      } catch (IOException | RuntimeException gone) {
        // The process ended, or this is not Linux.
      }
      return 0;
    }
  }
}
