package a3c.worker;

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
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ServerSession} whose tensors travel in the gRPC messages: each push carries the
 * gradients and its reply the weights of the version that followed, so a rollout costs one round
 * trip.
 *
 * <p>Registration and rejoining live here, for every session: {@link SharedMemorySession} changes
 * only where the tensors go, through the package-private methods below, and falls back to these
 * when its files cannot be had.
 */
class GrpcSession implements ServerSession {
  private static final Logger log = LoggerFactory.getLogger(GrpcSession.class);

  final WorkerConfig config;
  final ActorCritic model;
  final int[] sizes;
  private final String[] names;
  private final PsClient client;
  private final Pushes pushes;
  private final List<ByteBuffer> gradientBuffers;
  /** The version the model holds: the base of the next push. */
  long version;
  /** The last push's reply, until {@link #syncWeights()} loads its weights. */
  private PushGradientsResponse settled;
  /** The server's word from the last push settled or the last join. */
  private StopReason stop = StopReason.STOP_REASON_NONE;
  private boolean closed;

  GrpcSession(WorkerConfig config, ActorCritic model, PsClient client) {
    this.config = config;
    this.model = model;
    this.client = client;
    this.names = model.parameters().stream().map(ParameterSpec::name).toArray(String[]::new);
    this.sizes = model.parameters().stream().mapToInt(ParameterSpec::elementCount).toArray();
    this.pushes = new Pushes(client, config.workerId(), config.syncUpdates());
    this.gradientBuffers = A3cLearner.buffersFor(model.parameters());
  }

  @Override
  public StopReason join() {
    RegisterRequest.Builder register = RegisterRequest.newBuilder().setWorkerId(config.workerId())
        .setEnvName(config.envName()).setHostname(hostname());
    for (ParameterSpec spec : model.parameters()) {
      register.addModel(Tensors.spec(spec.name(), spec.shape()));
    }
    RegisterResponse registered = client.register(register.build());
    if (registered.getInitialize()) {
      initializeWeights();
    }
    PullWeightsResponse pulled = client.pullWeights(config.workerId());
    load(pulled.getWeightsList());
    version = pulled.getVersion();
    settled = null;
    attach();
    stop = pulled.getStop();
    return stop;
  }

  private void initializeWeights() {
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

  @Override
  public StopReason syncWeights() {
    PushGradientsResponse reply = settled;
    settled = null;
    if (reply != null && !loadPushedWeights(reply)) {
      return join();
    }
    return StopReason.STOP_REASON_NONE;
  }

  @Override
  public StopReason reportEpisode(double score, long length) {
    log.info("worker {} episode: score {} length {}", config.workerId(), score, length);
    return client.reportEpisode(ReportEpisodeRequest.newBuilder().setWorkerId(config.workerId()).setScore(score)
        .setLength(length).build()).getStop();
  }

  @Override
  public List<ByteBuffer> gradientBuffers() {
    settle(pushes::awaitInFlight);
    return gradientTargets();
  }

  @Override
  public StopReason push(Gradients gradients, int agentSteps, int frames) {
    if (stop != StopReason.STOP_REASON_NONE) {
      return stop;
    }
    PushGradientsRequest.Builder request = PushGradientsRequest.newBuilder().setWorkerId(config.workerId())
        .setBaseVersion(version).setAgentSteps(agentSteps).setFrames(frames);
    attachGradients(request, gradients);
    LearnerStats stats = gradients.stats();
    request.getStatsBuilder().setPolicyLoss(stats.policyLoss()).setValueLoss(stats.valueLoss())
        .setEntropy(stats.entropy()).setGradNorm(stats.gradNorm());
    PushGradientsRequest built = request.build();
    settle(() -> pushes.send(built));
    return stop;
  }

  /** Runs a push's call and keeps its reply, if it has one yet; rejoins when the server was lost meanwhile. */
  private void settle(Supplier<PushGradientsResponse> call) {
    PushGradientsResponse reply;
    try {
      reply = call.get();
    } catch (StatusRuntimeException e) {
      boolean restarted = e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION;
      if (!PsClient.unreachable(e) && !restarted) {
        throw e;
      }
      log.warn("worker {}: {}; rejoining", config.workerId(), restarted ? e.getStatus().getDescription()
          : "parameter server unreachable during a push");
      client.awaitReachable();
      join();
      return;
    }
    if (reply != null) {
      settled = reply;
      stop = reply.getStop();
    }
  }

  @Override
  public void requestStop() {
    client.stop();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      pushes.close();
      detach();
    }
  }

  /** Called after every join, the first and each rejoin: the server may be a new one. */
  void attach() {}

  /** Releases what {@link #attach()} took. */
  void detach() {}

  /** Where the learner writes the next gradients. */
  List<ByteBuffer> gradientTargets() {
    return gradientBuffers;
  }

  /** Puts the gradients into the push and asks for the next weights in its reply. */
  void attachGradients(PushGradientsRequest.Builder request, Gradients gradients) {
    request.setReturnWeights(true);
    List<ByteBuffer> tensors = gradients.tensors();
    for (int t = 0; t < names.length; t++) {
      // No copy: the next rollout's gradients go into these buffers only after this push has settled.
      request.addGradients(Tensors.of(names[t], model.parameters().get(t).shape(),
          UnsafeByteOperations.unsafeWrap(tensors.get(t).duplicate().clear())));
    }
  }

  /** Loads the weights a push's reply brought; false when the session must rejoin to get them. */
  boolean loadPushedWeights(PushGradientsResponse reply) {
    load(reply.getWeightsList());
    version = reply.getVersion();
    return true;
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
    model.loadWeights(buffers);
  }

  /** This host's name, as the server's status and logs show where each worker runs. */
  static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
