package a3c.worker;

import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a session's pushes in one of the two update orders. Synchronous (the reference's order), a
 * push returns its reply. Overlapped, it goes to a thread of its own and the worker acts on while
 * the server applies it; its reply is collected before the next push, which is also when the
 * worker may write the gradient buffers again, since the server reads them while it answers.
 */
final class Pushes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pushes.class);

  private final PsClient client;
  private final String workerId;
  /** Null when synchronous. */
  private final ExecutorService thread;
  private Future<PushGradientsResponse> inFlight;

  Pushes(PsClient client, String workerId, boolean syncUpdates) {
    this.client = client;
    this.workerId = workerId;
    this.thread = syncUpdates ? null
        : Executors.newSingleThreadExecutor(Thread.ofPlatform().name("push-" + workerId).daemon().factory());
  }

  /** Sends one push: returns its reply when synchronous; else null, and the push flies until {@link #awaitInFlight}. */
  PushGradientsResponse send(PushGradientsRequest request) {
    if (thread == null) {
      return client.pushGradients(request);
    }
    inFlight = thread.submit(() -> client.pushGradients(request));
    return null;
  }

  /**
   * Waits for the push in flight and returns its reply, or null when none flies.
   *
   * @throws StatusRuntimeException as the push failed
   */
  PushGradientsResponse awaitInFlight() {
    Future<PushGradientsResponse> pending = inFlight;
    if (pending == null) {
      return null;
    }
    inFlight = null;
    try {
      return pending.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException status) {
        throw status;
      }
      throw new IllegalStateException("push failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a push", e);
    }
  }

  /** Lets the last push finish, within a call's deadline, so that a stop by request keeps its update; the server may be gone. */
  @Override
  public void close() {
    if (thread == null) {
      return;
    }
    thread.shutdown();
    Future<PushGradientsResponse> pending = inFlight;
    inFlight = null;
    if (pending != null) {
      try {
        pending.get(PsClient.CALL_DEADLINE_S, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        log.info("worker {}: the last push did not complete: {}", workerId, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
