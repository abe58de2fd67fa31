package a3c.store;

import a3c.optim.Optimizer;
import a3c.optim.OptimizerConfig;
import a3c.optim.ParallelStep;
import a3c.proto.DType;
import a3c.proto.Tensor;
import a3c.rpc.WireDtypes;
import a3c.shm.SharedWeights;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The global network and its optimizer state, updated by one writer thread. gRPC threads decode and
 * check pushes in parallel ({@link #decode}, {@link #sharedGradients}); one applier thread owns the
 * weights and the optimizer state and applies the pushes whole, in arrival order, those queued
 * meanwhile in one pass ({@link PassSteps}), its helpers each stepping a slice of the model
 * ({@link ParallelStep}); after each pass it publishes an immutable {@link Snapshot}, so readers
 * never block it and never see half a step. Why so, and what it costs:
 * docs/design/parameter-server.md, "One writer".
 */
public final class ParameterStore implements AutoCloseable {
  /**
   * Pushes applied in one pass, at most. A pass reads the weights and moments from memory once for
   * all of them, which is what bounds a step, but answers none of them before the last is applied:
   * this caps that wait at a few steps' time.
   */
  private static final int MAX_PUSHES_PER_PASS = 8;

  /** Which count of versions this store's are: another store, even over the same checkpoint, counts anew. */
  private final long id = new SecureRandom().longs().filter(drawn -> drawn != 0).findFirst().orElseThrow();
  private final TensorLayout layout;
  private final float[] weights;
  private final Optimizer optimizer;
  private final ParallelStep step;
  private final PassSteps passSteps;
  private final ExecutorService applier;
  private final GradientDecoder decoder;
  /** Pushes decoded and waiting for the applier, in arrival order. */
  private final Queue<QueuedPush> pending = new ConcurrentLinkedQueue<>();
  /** Not private: a test holds its monitor, which {@link #capture} takes on the applier, to keep the applier busy. */
  final StoreCounters counters;
  private volatile Snapshot snapshot;
  private volatile SharedWeights shared;
  private final RecentWeights recent = new RecentWeights();
  private final LongAdder serverNanos = new LongAdder();
  private final LongAdder appliedHere = new LongAdder();
  /** How many pushes the latest pass took: a busy server's shared-memory pushes are left in their files. */
  private volatile int lastPassSize;

  private ParameterStore(StoreState state, Optimizer optimizer, int applierThreads) {
    this.layout = state.layout();
    this.weights = state.weights();
    this.optimizer = optimizer;
    this.step = new ParallelStep(optimizer, layout.sizes(), applierThreads);
    this.decoder = new GradientDecoder(layout, serverNanos);
    this.passSteps = new PassSteps(weights, step, decoder);
    this.counters = new StoreCounters(state);
    this.applier = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("ps-applier").daemon().factory());
    publish(DType.DTYPE_FLOAT32);
  }

  /**
   * A store over freshly initialised weights (checked: names, shapes, byte lengths, finite values).
   *
   * @param applierThreads threads that share each step, each over its own slice of the model
   */
  public static ParameterStore initialize(List<Tensor> tensors, OptimizerConfig config, int applierThreads) {
    TensorLayout layout = TensorLayout.of(tensors);
    float[] weights = new float[layout.totalSize()];
    for (int t = 0; t < layout.size(); t++) {
      WireDtypes.decode(tensors.get(t), weights, layout.offset(t));
    }
    FiniteValues.require(layout, weights, null, "weights");
    Optimizer optimizer = Optimizer.create(config, layout.sizes());
    return new ParameterStore(new StoreState(layout, weights, optimizer.state(), 0, 0, 0, 0), optimizer,
        applierThreads);
  }

  /** A store that continues exactly where a checkpoint left off. */
  public static ParameterStore restore(StoreState state, OptimizerConfig config, int applierThreads) {
    return new ParameterStore(state, Optimizer.restore(config, state.optimizer()), applierThreads);
  }

  public TensorLayout layout() {
    return layout;
  }

  /** This store's id, never 0: the same version number in two stores may name two sets of weights. */
  public long id() {
    return id;
  }

  /**
   * The weights of a recent {@code version} as published in {@code dtype}, for a reply that carries
   * only their changes since it; null when they are not kept ({@link RecentWeights}).
   */
  public List<Tensor> recentWeights(long version, DType dtype) {
    return recent.of(version, dtype);
  }

  /** The latest counters; its weights may be null. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** The latest snapshot with its weights as float32. */
  public CompletableFuture<Snapshot> withWeights() {
    return withWeights(DType.DTYPE_FLOAT32);
  }

  /** The latest snapshot with its weights in {@code dtype}, copied out on the applier if no push asked for them so. */
  public CompletableFuture<Snapshot> withWeights(DType dtype) {
    Snapshot latest = snapshot;
    if (latest.hasWeights(dtype)) {
      return CompletableFuture.completedFuture(latest);
    }
    return CompletableFuture.supplyAsync(() -> snapshot.hasWeights(dtype) ? snapshot : publish(dtype), applier);
  }

  /** Server time spent on updates so far: decoding and validating, the optimizer step, publishing. */
  public ServerTime serverTime() {
    return new ServerTime(serverNanos.sum(), appliedHere.sum());
  }

  /**
   * Validates a push's gradients (float32 or bfloat16) and decodes them into a pooled buffer, on
   * the caller's thread.
   *
   * @throws IllegalArgumentException naming the tensor when a name is unknown or repeated, a shape
   *     or byte length is wrong, or a value is NaN, infinite or beyond {@link FiniteValues#MAX_ABS_VALUE}
   */
  public Gradients decode(List<Tensor> tensors) {
    return decoder.decode(tensors);
  }

  /**
   * Gradients for every tensor in one little-endian buffer in layout order (a worker's shared-memory
   * file): copied into a pooled buffer and checked on the caller's thread while the server's passes
   * are small, else left where they are until the applier takes the push and reads and checks them,
   * so that a value the store does not accept then refuses the push through the future
   * {@link #apply} returns.
   *
   * @param file the file's name, for the words of a refusal
   * @param onShrunk called when a read finds the file shorter than the buffer
   * @throws IllegalArgumentException when the buffer does not hold the whole model, or a value
   *     copied here is not accepted
   */
  public Gradients sharedGradients(ByteBuffer littleEndianFloats, String file, Runnable onShrunk) {
    return decoder.inFile(littleEndianFloats, file, onShrunk, lastPassSize < PassSteps.READ_IN_STEP_FROM);
  }

  /** Also publishes every version from now on into {@code file}, for workers on this host. */
  public CompletableFuture<Void> share(SharedWeights file) {
    return CompletableFuture.runAsync(() -> {
      shared = file;
      file.publish(counters.version(), weights);
    }, applier);
  }

  /**
   * Queues one optimizer step; the future completes with the snapshot of the weights after it and
   * after the pushes that queued behind it and were applied in the same pass: newer weights than
   * its step alone gives, as a pull right after would have brought. It completes with an
   * {@link IllegalArgumentException} when the step, reading gradients from a shared-memory file,
   * refused them; the other pushes of the pass are then applied without it.
   *
   * @param baseVersion the version the gradients were computed on, for the staleness statistic
   * @param agentSteps agent steps the push covers, added to the global step
   * @param pushFrames emulator frames the push covers
   * @param weightsAs the dtype the snapshot should carry the new weights in, or null for none
   *     (workers on this host read them from shared memory instead, which saves a copy of the model
   *     per update)
   */
  public CompletableFuture<Snapshot> apply(Gradients gradients, long baseVersion, long agentSteps, long pushFrames,
      DType weightsAs) {
    return step(gradients, baseVersion, StoreCounters.NOT_RELAYED, agentSteps, pushFrames, weightsAs);
  }

  /**
   * {@link #apply} for a push a worker host's relay forwarded.
   *
   * @param relayStaleness the push's relay staleness (see {@link Staleness}), at least 0
   */
  public CompletableFuture<Snapshot> applyRelayed(Gradients gradients, long baseVersion, long relayStaleness,
      long agentSteps, long pushFrames, DType weightsAs) {
    return step(gradients, baseVersion, relayStaleness, agentSteps, pushFrames, weightsAs);
  }

  private CompletableFuture<Snapshot> step(Gradients gradients, long baseVersion, long relayStaleness, long agentSteps,
      long pushFrames, DType weightsAs) {
    QueuedPush push = new QueuedPush(gradients, baseVersion, relayStaleness, agentSteps, pushFrames, weightsAs,
        new CompletableFuture<>());
    // Queued before its task is submitted: the task then finds it queued, or taken by an earlier task.
    pending.add(push);
    try {
      applier.execute(this::applyPending);
    } catch (RejectedExecutionException e) {
      pending.remove(push);
      throw e;
    }
    return push.applied();
  }

  /**
   * On the applier: the pushes queued so far (at most {@link #MAX_PUSHES_PER_PASS}), applied in
   * arrival order in one pass, published as one version, each push's future completed with it.
   * A task that finds the queue empty (an earlier one took its push) does nothing.
   */
  private void applyPending() {
    List<QueuedPush> taken = new ArrayList<>();
    for (QueuedPush push; taken.size() < MAX_PUSHES_PER_PASS && (push = pending.poll()) != null; ) {
      taken.add(push);
    }
    if (taken.isEmpty()) {
      return;
    }
    lastPassSize = taken.size();
    long start = System.nanoTime();
    List<QueuedPush> pushes = new ArrayList<>(taken);
    List<float[]> buffers = new ArrayList<>();
    for (QueuedPush push : taken) {
      if (push.gradients().pooled != null) {
        buffers.add(push.gradients().pooled);
      }
    }
    ChunkCopies copies;
    try {
      copies = passSteps.step(pushes, buffers, size -> {
        SharedWeights file = shared;
        return new ChunkCopies(weights, file == null ? null : file.begin(counters.version() + size),
            pushes.stream().anyMatch(push -> push.weightsAs() == DType.DTYPE_BFLOAT16));
      });
    } catch (RuntimeException | Error e) {
      pushes.forEach(push -> push.applied().completeExceptionally(e));
      return;
    } finally {
      buffers.forEach(decoder::release);
    }
    if (copies == null) {
      return;
    }
    for (QueuedPush push : pushes) {
      counters.count(push.baseVersion(), push.relayStaleness(), push.agentSteps(), push.frames());
    }
    copies.finish();
    Snapshot countsOnly = publish(null);
    Map<DType, Snapshot> withWeights = new EnumMap<>(DType.class);
    for (QueuedPush push : pushes) {
      if (push.weightsAs() != null) {
        withWeights.computeIfAbsent(push.weightsAs(), dtype -> dtype == DType.DTYPE_BFLOAT16
            ? publishWeights(copies.bfloat16(layout)) : publish(dtype));
      }
    }
    serverNanos.add(System.nanoTime() - start);
    appliedHere.add(pushes.size());
    for (QueuedPush push : pushes) {
      push.applied().complete(push.weightsAs() == null ? countsOnly : withWeights.get(push.weightsAs()));
    }
  }

  /** Copies the whole state between two updates, on the applier thread, for a checkpoint. */
  public CompletableFuture<StoreState> capture() {
    return CompletableFuture.supplyAsync(() -> counters.state(layout, weights.clone(), optimizer.state().copy()), applier);
  }

  @Override
  public void close() {
    applier.shutdown();
    try {
      if (!applier.awaitTermination(10, TimeUnit.SECONDS)) {
        applier.shutdownNow();
      }
    } catch (InterruptedException e) {
      applier.shutdownNow();
      Thread.currentThread().interrupt();
    }
    step.close();
  }

  /**
   * The latest counters as a snapshot, with a copy of the weights in {@code weightsAs} unless that
   * is null; the shared file is written by {@link #apply}.
   */
  private Snapshot publish(DType weightsAs) {
    return publishWeights(weightsAs == null ? null : layout.tensors(weights, weightsAs));
  }

  /** The latest counters as a snapshot with {@code tensors}, the weights as they are now, or null. */
  private Snapshot publishWeights(List<Tensor> tensors) {
    Snapshot published = counters.snapshot(tensors);
    snapshot = published;
    recent.add(published);
    return published;
  }
}
