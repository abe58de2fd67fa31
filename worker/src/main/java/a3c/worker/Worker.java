package a3c.worker;

import a3c.env.Environment;
import a3c.env.StepResult;
import a3c.learner.A3cLearner;
import a3c.learner.Gradients;
import a3c.learner.LearnerStats;
import a3c.model.ActorCritic;
import a3c.model.ParameterSpec;
import a3c.proto.InitializeWeightsRequest;
import a3c.proto.PullWeightsResponse;
import a3c.proto.PushGradientsRequest;
import a3c.proto.PushGradientsResponse;
import a3c.proto.RegisterRequest;
import a3c.proto.RegisterResponse;
import a3c.proto.ReportEpisodeRequest;
import a3c.proto.StopReason;
import a3c.proto.Tensor;
import a3c.rpc.Tensors;
import com.google.protobuf.UnsafeByteOperations;
import a3c.shm.SharedGradients;
import a3c.shm.SharedWeights;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One A3C worker (Mnih et al. 2016, Algorithm S3), in the paper's order: sync the weights, act for
 * a rollout, compute the gradients, push them; the push's reply carries the next weights, so each
 * rollout costs one round trip. Each finished episode's raw score goes to the server, which decides
 * when the run stops.
 *
 * <p>Without {@link WorkerConfig#syncUpdates()}, the push overlaps the next rollout: the worker
 * sends it, loads the newest weights the server has published, and acts on while the server applies
 * the update; it waits for that reply only before its next push. The round trip then costs no
 * worker time, and the next rollout's weights lack this worker's newest update only (other workers'
 * updates arrive as asynchronously as in the reference). With two workers on two cores that buys
 * only about 3% more steps per second, and on CartPole-v1 it needed more steps to solve in 7 of 10
 * paired seeds, so the reference's order is the default.
 */
public final class Worker {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final WorkerConfig config;
  private final Environment env;
  private final ActorCritic model;
  private final A3cLearner learner;
  private final PsClient client;
  private final WorkerTimings timings = new WorkerTimings();
  private final String[] names;
  private final int[] sizes;
  private final ExecutorService pusher;
  private SharedWeights sharedWeights;
  private SharedGradients sharedGradients;
  private long version;
  private Future<PushGradientsResponse> inFlight;
  private PushGradientsResponse settled;
  private volatile boolean stopRequested;

  Worker(WorkerConfig config, Environment env, ActorCritic model, A3cLearner learner, PsClient client) {
    this.config = config;
    this.env = env;
    this.model = model;
    this.learner = learner;
    this.client = client;
    this.names = model.parameters().stream().map(ParameterSpec::name).toArray(String[]::new);
    this.sizes = model.parameters().stream().mapToInt(ParameterSpec::elementCount).toArray();
    this.pusher = config.syncUpdates() ? null : Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "push-" + config.workerId());
      thread.setDaemon(true);
      return thread;
    });
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
    client.stop();
  }

  /** Runs until the server says stop (or {@link #requestStop}); returns the server's reason. */
  public StopReason run() {
    StopReason stop = StopReason.STOP_REASON_NONE;
    try {
      stop = train();
    } catch (PsClient.Stopped e) {
      log.info("worker {}: {}", config.workerId(), e.getMessage());
    }
    drain();
    log.info("worker {} stops: {} after {} agent steps", config.workerId(), stopRequested ? "requested" : stop, timings.steps);
    return stop;
  }

  private StopReason train() {
    StopReason stop = join();
    float[] observation = new float[env.observationSize()];
    env.reset(observation);
    double score = 0;
    long length = 0;
    while (stop == StopReason.STOP_REASON_NONE && !stopRequested) {
      int steps = 0;
      int frames = 0;
      while (!learner.rolloutFull()) {
        long t0 = System.nanoTime();
        int action = learner.act(observation);
        long t1 = System.nanoTime();
        StepResult result = env.step(action, observation);
        long t2 = System.nanoTime();
        learner.record((float) result.reward(), result.done());
        timings.actNanos += t1 - t0;
        timings.envNanos += t2 - t1;
        score += result.reward();
        length++;
        steps++;
        frames += result.frames();
        if (result.done()) {
          stop = reportEpisode(score, length);
          score = 0;
          length = 0;
          env.reset(observation);
        }
      }
      long t3 = System.nanoTime();
      // The previous push reads the gradient buffers that finishRollout() is about to overwrite.
      StopReason settledStop = settle();
      if (stop == StopReason.STOP_REASON_NONE) {
        stop = settledStop;
      }
      long t4 = System.nanoTime();
      Gradients gradients = learner.finishRollout(observation);
      long t5 = System.nanoTime();
      if (stop == StopReason.STOP_REASON_NONE) {
        stop = push(gradients, steps, frames);
      }
      timings.learnNanos += t5 - t4;
      timings.rpcNanos += (t4 - t3) + (System.nanoTime() - t5);
      timings.steps += steps;
      timings.frames += frames;
    }
    return stop;
  }

  /** Registers, uploads the initial weights if chosen, and loads the server's weights. */
  private StopReason join() {
    RegisterRequest.Builder register = RegisterRequest.newBuilder().setWorkerId(config.workerId())
        .setEnvName(config.envName()).setHostname(hostname());
    for (ParameterSpec spec : model.parameters()) {
      register.addModel(Tensors.spec(spec.name(), spec.shape()));
    }
    RegisterResponse registered = client.register(register.build());
    if (registered.getInitialize()) {
      // The run's seed, not the worker's: the initial network does not depend on who won the race.
      model.initialize(config.seed());
      InitializeWeightsRequest.Builder upload = InitializeWeightsRequest.newBuilder().setWorkerId(config.workerId());
      List<ByteBuffer> weights = model.exportWeights();
      for (int t = 0; t < names.length; t++) {
        upload.addWeights(Tensors.of(names[t], model.parameters().get(t).shape(), UnsafeByteOperations.unsafeWrap(weights.get(t))));
      }
      try {
        client.initializeWeights(upload.build());
        log.info("worker {} initialised the global network", config.workerId());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION) {
          throw e;
        }
        log.info("worker {}: another worker initialised the weights first ({})", config.workerId(), e.getStatus().getDescription());
      }
    }
    PullWeightsResponse pulled = client.pullWeights(config.workerId());
    load(pulled.getWeightsList());
    version = pulled.getVersion();
    openSharedMemory();
    return pulled.getStop();
  }

  /** Switches to the shared-memory files when configured and the server's file is there; else stays on gRPC. */
  private void openSharedMemory() {
    if (config.sharedMemoryDir() == null) {
      return;
    }
    closeSharedMemory();
    int floats = Arrays.stream(sizes).sum();
    try {
      sharedWeights = SharedWeights.open(config.sharedMemoryDir(), floats);
      sharedGradients = SharedGradients.create(config.sharedMemoryDir(), config.workerId(), floats);
      // The learner writes each rollout's gradients straight into the file the server reads.
      learner.exportGradientsInto(sharedGradients.tensors(sizes));
      log.info("worker {} exchanges tensors through shared memory in {}", config.workerId(), config.sharedMemoryDir());
    } catch (IOException e) {
      log.warn("worker {}: no shared memory ({}); tensors go over gRPC", config.workerId(), e.getMessage());
      // The weights file may be open already; without the gradients file it is of no use.
      closeSharedMemory();
    }
  }

  private void closeSharedMemory() {
    if (sharedGradients != null) {
      learner.exportGradientsInto(null);
    }
    try {
      if (sharedWeights != null) {
        sharedWeights.close();
      }
      if (sharedGradients != null) {
        sharedGradients.close();
      }
    } catch (IOException e) {
      log.warn("worker {}: closing the shared-memory files failed: {}", config.workerId(), e.getMessage());
    }
    sharedWeights = null;
    sharedGradients = null;
  }

  private StopReason push(Gradients gradients, int steps, int frames) {
    PushGradientsRequest.Builder request = PushGradientsRequest.newBuilder().setWorkerId(config.workerId())
        .setBaseVersion(version).setAgentSteps(steps).setFrames(frames).setReturnWeights(sharedWeights == null);
    List<ByteBuffer> tensors = gradients.tensors();
    if (sharedGradients != null) {
      request.setGradientsFile(sharedGradients.name());
    } else {
      for (int t = 0; t < names.length; t++) {
        // The learner reuses these buffers for the next rollout, which waits for this push first.
        request.addGradients(Tensors.of(names[t], model.parameters().get(t).shape(),
            UnsafeByteOperations.unsafeWrap(tensors.get(t).duplicate().clear())));
      }
    }
    LearnerStats stats = gradients.stats();
    request.getStatsBuilder().setPolicyLoss(stats.policyLoss()).setValueLoss(stats.valueLoss())
        .setEntropy(stats.entropy()).setGradNorm(stats.gradNorm());
    PushGradientsRequest built = request.build();
    if (pusher == null) {
      StopReason stop = settle(() -> client.pushGradients(built));
      return stop == StopReason.STOP_REASON_NONE ? loadLatest() : stop;
    }
    inFlight = pusher.submit(() -> client.pushGradients(built));
    return loadLatest();
  }

  /** Waits for the push in flight, if any, and keeps its reply for {@link #loadLatest()}. */
  private StopReason settle() {
    if (inFlight == null) {
      return StopReason.STOP_REASON_NONE;
    }
    Future<PushGradientsResponse> pending = inFlight;
    return settle(() -> {
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
    });
  }

  private StopReason settle(Supplier<PushGradientsResponse> call) {
    inFlight = null;
    PushGradientsResponse reply;
    try {
      reply = call.get();
    } catch (StatusRuntimeException e) {
      boolean restarted = e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION;
      if (!PsClient.unreachable(e) && !restarted) {
        throw e;
      }
      // The server went away or came back from an older checkpoint: drop this rollout, rejoin.
      log.warn("worker {}: {}; rejoining", config.workerId(), restarted ? e.getStatus().getDescription()
          : "parameter server unreachable during a push");
      client.awaitReachable();
      settled = null;
      return join();
    }
    settled = reply;
    return reply.getStop();
  }

  /** On the way out: lets the last push finish, so a stop by request keeps its update; the server may be gone. */
  private void drain() {
    if (pusher == null) {
      return;
    }
    pusher.shutdown();
    Future<PushGradientsResponse> pending = inFlight;
    inFlight = null;
    if (pending != null) {
      try {
        pending.get(PsClient.CALL_DEADLINE_S, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        log.info("worker {}: the last push did not complete: {}", config.workerId(), e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Loads the newest weights: the server's shared-memory file, or the weights of the last settled reply. */
  private StopReason loadLatest() {
    PushGradientsResponse reply = settled;
    settled = null;
    if (reply == null) {
      return StopReason.STOP_REASON_NONE;
    }
    if (sharedWeights != null) {
      long read = sharedWeights.read(sizes, learner::loadWeights);
      if (read < reply.getVersion()) {
        // Not the file this server publishes to: rejoin, which maps it afresh (or falls back to gRPC).
        log.warn("worker {}: shared weights hold {}, behind the server's version {}; rejoining", config.workerId(),
            read < 0 ? "no settled version" : "version " + read, reply.getVersion());
        return join();
      }
      version = read;
    } else {
      load(reply.getWeightsList());
      version = reply.getVersion();
    }
    return StopReason.STOP_REASON_NONE;
  }

  private StopReason reportEpisode(double score, long length) {
    log.info("worker {} episode: score {} length {}", config.workerId(), score, length);
    return client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId(config.workerId()).setScore(score)
        .setLength(length).build()).getStop();
  }

  private void load(List<Tensor> weights) {
    if (weights.size() != names.length) {
      throw new IllegalStateException("the server sent " + weights.size() + " tensors, the model has " + names.length);
    }
    List<ByteBuffer> buffers = new ArrayList<>(names.length);
    for (int t = 0; t < names.length; t++) {
      Tensor tensor = weights.get(t);
      if (!tensor.getName().equals(names[t])) {
        throw new IllegalStateException("the server's tensor #" + t + " is '" + tensor.getName() + "', the model's is '" + names[t] + "'");
      }
      buffers.add(tensor.getData().asReadOnlyByteBuffer());
    }
    learner.loadWeights(buffers);
  }

  static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
