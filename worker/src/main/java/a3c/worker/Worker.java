package a3c.worker;

import a3c.env.Environment;
import a3c.env.StepResult;
import a3c.learner.A3cLearner;
import a3c.learner.Agent;
import a3c.learner.Gradients;
import a3c.learner.Rollout;
import a3c.proto.StopReason;
import java.nio.ByteBuffer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One A3C worker (Mnih et al. 2016, Algorithm S3), in the order of the reference's {@code train.py}:
 * sync the weights; act for a rollout; bootstrap from the critic; compute the returns, the loss and
 * its clipped gradients; push them to the server, which applies them to the global network. Each
 * finished episode's raw score goes to the server, which decides when the run stops.
 *
 * <p>The server is a {@link ServerSession}, which hides how the tensors travel and rejoins a
 * server that restarted. With {@link WorkerConfig#syncUpdates()} (the default) each push waits for
 * its update, as in the reference, and its reply carries the next weights, so each rollout costs
 * one round trip. Without, the push overlaps the next rollout, which then acts on weights that lack
 * only this worker's newest update (other workers' updates arrive as asynchronously as in the
 * reference). With two workers on two cores that bought only about 3% more steps per second, and on
 * CartPole-v1 it needed more steps to solve in 7 of 10 paired seeds, hence the default.
 */
public final class Worker {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final String workerId;
  private final Environment env;
  private final Agent agent;
  private final A3cLearner learner;
  private final ServerSession session;
  private final Rollout rollout;
  private final float[] observation;
  private final WorkerTimings timings = new WorkerTimings();
  private double score;
  private long length;
  private volatile boolean stopRequested;

  Worker(String workerId, Environment env, Agent agent, A3cLearner learner, ServerSession session) {
    this.workerId = workerId;
    this.env = env;
    this.agent = agent;
    this.learner = learner;
    this.session = session;
    this.rollout = learner.newRollout();
    this.observation = new float[env.observationSize()];
  }

  public WorkerTimings timings() {
    return timings;
  }

  /**
   * Asks the loop to end after the current rollout (SIGTERM, SIGINT); a wait for an unreachable or
   * restarting server ends at once.
   */
  public void requestStop() {
    stopRequested = true;
    session.requestStop();
  }

  /** Runs until the server says stop (or {@link #requestStop}); returns the server's reason. */
  public StopReason run() {
    StopReason stop = StopReason.STOP_REASON_NONE;
    try {
      stop = train();
    } catch (PsClient.Stopped e) {
      log.info("worker {}: {}", workerId, e.getMessage());
    } finally {
      session.close();
    }
    log.info("worker {} stops: {} after {} agent steps", workerId, stopRequested ? "requested" : stop, timings.steps);
    return stop;
  }

  private StopReason train() {
    StopReason stop = session.join();
    startEpisode();
    while (stop == StopReason.STOP_REASON_NONE && !stopRequested) {
      // 1. Sync: the local network takes the global network's newest weights.
      long t0 = System.nanoTime();
      stop = session.syncWeights();
      timings.rpcNanos += System.nanoTime() - t0;
      if (stop != StopReason.STOP_REASON_NONE) {
        break;
      }

      // 2. Act for a rollout. As in the reference, an episode's end does not end the rollout: the game
      //    and the LSTM state start afresh, and the step's done flag stops the return there.
      int frames = 0;
      while (!rollout.full() && stop == StopReason.STOP_REASON_NONE) {
        long t1 = System.nanoTime();
        int action = agent.act(observation, rollout);
        long t2 = System.nanoTime();
        StepResult result = env.step(action, observation);
        timings.actNanos += t2 - t1;
        timings.envNanos += System.nanoTime() - t2;
        rollout.record((float) result.reward(), result.done());
        score += result.reward();
        length++;
        frames += result.frames();
        if (result.done()) {
          stop = session.reportEpisode(score, length);
          startEpisode();
        }
      }
      int steps = rollout.size();
      timings.steps += steps;
      timings.frames += frames;
      if (stop != StopReason.STOP_REASON_NONE) {
        break;
      }

      // 3. Bootstrap from the critic's value of the state the rollout stopped in.
      long t3 = System.nanoTime();
      float bootstrap = agent.value(observation);

      // 4.-5. Returns, advantages and the loss; its gradients, clipped, written where the push sends them from.
      long t4 = System.nanoTime();
      List<ByteBuffer> into = session.gradientBuffers();
      long t5 = System.nanoTime();
      Gradients gradients = learner.gradients(rollout, bootstrap, into);

      // 6. Push: the server applies the gradients to the global network.
      long t6 = System.nanoTime();
      stop = session.push(gradients, steps, frames);
      long t7 = System.nanoTime();
      timings.learnNanos += (t4 - t3) + (t6 - t5);
      timings.rpcNanos += (t5 - t4) + (t7 - t6);
    }
    return stop;
  }

  /** A new episode: a fresh game, and a fresh LSTM state, as the reference zeroes hx and cx. */
  private void startEpisode() {
    env.reset(observation);
    agent.resetRecurrentState();
    score = 0;
    length = 0;
  }
}
