package a3c.worker;

import a3c.env.Environment;
import a3c.env.Environments;
import a3c.learner.A3cLearner;
import a3c.learner.Agent;
import a3c.model.ActorCritic;
import a3c.model.Engine;
import a3c.model.Networks;
import a3c.net.Channels;
import a3c.proto.StopReason;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A worker with everything it owns: the channel to the server and the session over it, its
 * environment, its network, its agent and its learner. The command line and the benchmarks both
 * start workers through it.
 */
public final class WorkerRunner implements AutoCloseable {
  private final ManagedChannel channel;
  private final Environment env;
  private final ActorCritic model;
  private final ServerSession session;
  private final Worker worker;

  /**
   * Opens the environment (checking its ROM) and the network, and a channel to the server.
   *
   * @throws IllegalArgumentException for an unknown env or a missing ROM
   */
  public WorkerRunner(WorkerConfig config) throws IOException {
    this.env = Environments.create(config.envName(), config.romDir(), config.workerSeed(), config.maxEpisodeSteps());
    this.channel = Channels.open(config.psTarget(), config.authToken(), config.tls());
    this.model = modelFor(env, config.learner().engine());
    PsClient client = new PsClient(channel, config.retryFor(), config.wireDtype());
    this.session = config.sharedMemoryDir() == null ? new GrpcSession(config, model, client)
        : new SharedMemorySession(config, model, client, config.sharedMemoryDir());
    this.worker = new Worker(config.workerId(), env, new Agent(model, config.workerSeed()),
        new A3cLearner(model, config.learner()), session);
  }

  /** The reference network for Atari frames, a small MLP for vector observations such as CartPole's; see {@link Networks}. */
  public static ActorCritic modelFor(Environment env, Engine engine) {
    return Networks.create(engine, env.observationShape(), env.actionCount());
  }

  /** The engine this worker's network runs on. */
  public Engine engine() {
    return model.engine();
  }

  /** Runs until the server says stop; see {@link Worker#run}. */
  public StopReason run() {
    return worker.run();
  }

  public void requestStop() {
    worker.requestStop();
  }

  public WorkerTimings timings() {
    return worker.timings();
  }

  /** Time the environment spent preprocessing screens so far. */
  public long preprocessNanos() {
    return env.preprocessNanos();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      session.close();
      model.close();
      env.close();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
