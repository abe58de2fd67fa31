package a3c.ps;

import a3c.input.Quote;
import a3c.proto.RegisterRequest;
import a3c.proto.RegisterResponse;
import a3c.store.ParameterStore;
import a3c.store.Snapshot;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Register: a worker joins the run unless it plays another env or holds another model than the
 * run's. Before the weights exist, one worker is chosen to upload them ({@link WorkerRegistry#claimInitializer});
 * after, the reply says which version and global step the run is at.
 */
final class Registration {
  private static final Logger log = LoggerFactory.getLogger(Registration.class);
  /** The longest name DNS allows. */
  static final int MAX_HOSTNAME_CHARS = 253;

  private final String envName;
  private final GlobalModel model;
  private final WorkerRegistry workers;
  private final StopNotices stops;

  /** @param envName the env this server trains; empty to take workers of any */
  Registration(String envName, GlobalModel model, WorkerRegistry workers, StopNotices stops) {
    this.envName = envName;
    this.model = model;
    this.workers = workers;
    this.stops = stops;
  }

  void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    // Every check comes before the registry hears of the worker: a refused worker must neither
    // count in the round size nor hold the initialiser's lease.
    if (request.getHostname().length() > MAX_HOSTNAME_CHARS) {
      Replies.reject(response, Status.INVALID_ARGUMENT, "hostname must be at most " + MAX_HOSTNAME_CHARS
          + " chars, got " + Quote.of(request.getHostname()));
      return;
    }
    if (!request.getEnvName().isEmpty() && !envName.isEmpty() && !envName.equals(request.getEnvName())) {
      Replies.reject(response, Status.FAILED_PRECONDITION, "worker " + request.getWorkerId() + " plays "
          + Quote.of(request.getEnvName()) + " but this server trains " + envName);
      return;
    }
    ParameterStore current = model.store();
    String difference = current == null || request.getModelCount() == 0 ? null
        : current.layout().difference(request.getModelList());
    if (difference != null) {
      Replies.reject(response, Status.FAILED_PRECONDITION, "worker " + request.getWorkerId()
          + " has a different model than this server: " + difference);
      return;
    }
    workers.touch(request.getWorkerId(), request.getHostname());
    RegisterResponse.Builder reply = RegisterResponse.newBuilder().setStop(stops.tell(request.getWorkerId()));
    if (current != null) {
      Snapshot snapshot = current.snapshot();
      reply.setVersion(snapshot.version()).setGlobalStep(snapshot.globalStep());
    } else {
      reply.setInitialize(workers.claimInitializer(request.getWorkerId()));
    }
    log.info("worker {} registered from {}{}", request.getWorkerId(), request.getHostname(),
        reply.getInitialize() ? "; it uploads the initial weights" : "");
    Replies.respond(response, reply.build());
  }
}
