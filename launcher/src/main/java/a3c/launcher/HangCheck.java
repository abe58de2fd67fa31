package a3c.launcher;

import a3c.proto.GetStatusResponse;
import a3c.proto.WorkerStatus;
import a3c.rpc.ParameterServerGrpc;
import a3c.supervise.HangWatchdog;
import a3c.supervise.SupervisedChild;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Finds children that are hung rather than dead, and kills them so that their supervisor restarts
 * them. The server shows life by answering its gRPC health check; a worker by calling the server,
 * as the server's last-seen times report. Workers are judged only while the server answers, and
 * given the startup allowance again when it comes back: while it was away they could not reach it.
 */
final class HangCheck {
  private static final long HEALTH_DEADLINE_MS = 2_000;
  private static final String SERVER = "ps";

  private final HangWatchdog watchdog;
  private final HealthGrpc.HealthBlockingStub health;
  private final Consumer<String> say;
  private final Map<String, Long> pids = new HashMap<>();
  private boolean serverAnswered;

  HangCheck(HangWatchdog watchdog, HealthGrpc.HealthBlockingStub health, Consumer<String> say) {
    this.watchdog = watchdog;
    this.health = health;
    this.say = say;
  }

  /**
   * One look at every child.
   *
   * @param workers the local workers by their worker id
   * @param status the server's status from this same poll, or null when it did not answer
   */
  void check(SupervisedChild server, Map<String, SupervisedChild> workers, GetStatusResponse status) {
    boolean answers = answersHealthCheck();
    track(SERVER, server);
    if (answers) {
      watchdog.aliveNow(SERVER);
    } else if (running(server) && watchdog.hung(SERVER)) {
      kill(SERVER, server, "has not answered its health check for " + watchdog.silentMs(SERVER) / 1000 + " s");
    }
    if (answers && !serverAnswered) {
      workers.keySet().forEach(watchdog::starting);
    }
    serverAnswered = answers;
    if (!answers || status == null) {
      return;
    }
    for (WorkerStatus seen : status.getWorkersList()) {
      if (workers.containsKey(seen.getWorkerId())) {
        watchdog.alive(seen.getWorkerId(), seen.getLastSeenUnixMs());
      }
    }
    workers.forEach((id, worker) -> {
      track(id, worker);
      if (running(worker) && watchdog.hung(id)) {
        kill(id, worker, "has not called the parameter server for " + watchdog.silentMs(id) / 1000 + " s");
      }
    });
  }

  private boolean answersHealthCheck() {
    try {
      return health.withDeadlineAfter(HEALTH_DEADLINE_MS, TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.newBuilder().setService(ParameterServerGrpc.SERVICE_NAME).build())
          .getStatus() == ServingStatus.SERVING;
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  /** A child that (re)started since the last look is starting. */
  private void track(String name, SupervisedChild child) {
    Process process = child.process();
    if (process != null && !Objects.equals(pids.put(name, process.pid()), process.pid())) {
      watchdog.starting(name);
    }
  }

  private static boolean running(SupervisedChild child) {
    Process process = child.process();
    return !child.finished().isDone() && process != null && process.isAlive();
  }

  private void kill(String name, SupervisedChild child, String why) {
    say.accept("[launcher] " + name + " (pid " + child.process().pid() + ") " + why + ", longer than --hang-seconds "
        + watchdog.timeout().toSeconds() + ": it is hung; killing it to restart it");
    child.killToRestart();
  }
}
