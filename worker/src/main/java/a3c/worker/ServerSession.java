package a3c.worker;

import a3c.learner.Gradients;
import a3c.proto.StopReason;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A worker's membership in a run, as its loop sees it: the calls the loop makes on the parameter
 * server, in the loop's order, and nothing about how tensors travel. {@link GrpcSession} sends them
 * in the messages; {@link SharedMemorySession} moves them through files on the server's host.
 *
 * <p>Every call that talks to the server returns the server's stop reason, {@code STOP_REASON_NONE}
 * while the run goes on: the server decides when the run ends. Losing the server is the session's
 * own business: when a push finds the server gone, or back from an older checkpoint, the session
 * waits until the server answers again, registers anew and loads the server's weights, and the
 * call returns as usual (the rollout in that push is lost, as its gradients belong to weights the
 * server no longer has). Calls throw {@link io.grpc.StatusRuntimeException} only for what waiting
 * cannot mend (a rejected request, or a server unreachable beyond the retry budget), and
 * {@link PsClient.Stopped} once {@link #requestStop()} ended a wait.
 *
 * <p>The model is the session's to write: {@link #join()} and {@link #syncWeights()} load the
 * server's weights into it. One thread makes all calls but {@link #requestStop()}.
 */
interface ServerSession extends AutoCloseable {

  /**
   * Registers with the server, uploads freshly initialised weights when the server has none and
   * asks this worker for them, and loads the server's weights.
   */
  StopReason join();

  /** Loads the newest weights the server published since the last call into the model: the loop's first step. */
  StopReason syncWeights();

  /** Reports a finished episode's raw score and length. */
  StopReason reportEpisode(double score, long length);

  /**
   * Where the next gradients are to be written (see {@link a3c.learner.A3cLearner#gradients}). When
   * updates overlap, this waits for the push still in flight: the server reads those buffers while
   * it answers.
   */
  List<ByteBuffer> gradientBuffers();

  /**
   * Sends one rollout's gradients, written into {@link #gradientBuffers()}. Synchronous, it returns
   * once the server applied them; overlapped, it returns at once, and the stop reason is then the
   * one the previous push brought back. Nothing is sent once the server said stop.
   */
  StopReason push(Gradients gradients, int agentSteps, int frames);

  /**
   * Ends every wait on the server (SIGTERM, SIGINT, from any thread): a retry, its backoff, a
   * pull in flight; the waiting call throws {@link PsClient.Stopped}. A first try of any other call
   * finishes within its deadline, so that a stop during a rollout still reports and pushes it.
   */
  void requestStop();

  /** Lets a push still in flight finish (within a call's deadline), then releases what the session holds; idempotent. */
  @Override
  void close();
}
