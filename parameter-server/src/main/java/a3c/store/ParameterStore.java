package a3c.store;

import a3c.input.Quote;
import a3c.optim.Optimizer;
import a3c.optim.OptimizerConfig;
import a3c.optim.ParallelStep;
import a3c.proto.DType;
import a3c.proto.Tensor;
import a3c.rpc.Tensors;
import a3c.rpc.WireDtypes;
import a3c.shm.SharedWeights;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The global network and its optimizer state, updated by one writer thread.
 *
 * <p>Design: many gRPC threads decode and validate pushes in parallel ({@link #decode}); a single
 * applier thread owns the weights and the optimizer state and applies pushes one at a time, in
 * arrival order ({@link #apply}). Every step is therefore applied whole, none is lost, and the hot
 * loops need no locks or atomics. After each step the applier publishes an immutable
 * {@link Snapshot} through a volatile field, with a little-endian copy of all weights when the push
 * asked for them back ({@link #withWeights} makes one on demand otherwise): readers never block
 * the writer, never see a half-applied step, and every reply of one version shares the same bytes.
 *
 * <p>Within a step the applier may call in helpers ({@link ParallelStep}): each updates its own
 * slice of the flat arrays and copies that slice into the shared-memory slot while it is still in
 * cache, and the applier publishes the version only after all of them are done. That keeps the
 * single writer's guarantees (one version at a time, in arrival order, never half applied; no
 * Hogwild, which the reference's racy shared Adam is) while a step over 1.2M parameters, bound by
 * memory bandwidth, takes a fraction of what one core needs: with dozens of workers on one host,
 * one core's steps would be the run's wall.
 */
public final class ParameterStore implements AutoCloseable {
  private static final int CHUNK = 4096;
  /** The relay staleness of a push no relay forwarded. */
  private static final long NOT_RELAYED = -1;

  private final TensorLayout layout;
  private final float[] weights;
  private final Optimizer optimizer;
  private final ParallelStep step;
  private final ExecutorService applier;
  /**
   * Decoded pushes' buffers, reused. Unbounded on purpose: it holds at most as many as were ever in
   * flight at once, about one per worker, whereas a fixed cap below the worker count would allocate
   * (and collect) a model-sized array per push once more workers wait than it holds.
   */
  private final Queue<float[]> pool = new ConcurrentLinkedQueue<>();
  private long version;
  private long globalStep;
  private long updates;
  private long frames;
  private long stalenessSum;
  private long stalenessUpdates;
  private long relayStalenessSum;
  private long relayedUpdates;
  private volatile Snapshot snapshot;
  private volatile SharedWeights shared;
  private final LongAdder serverNanos = new LongAdder();
  private final LongAdder appliedHere = new LongAdder();

  private ParameterStore(StoreState state, Optimizer optimizer, int applierThreads) {
    this.layout = state.layout();
    this.weights = state.weights();
    this.optimizer = optimizer;
    this.step = new ParallelStep(optimizer, layout.sizes(), applierThreads);
    this.version = state.version();
    this.globalStep = state.globalStep();
    this.updates = state.updates();
    this.frames = state.frames();
    this.applier = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "ps-applier");
      thread.setDaemon(true);
      return thread;
    });
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
    long start = System.nanoTime();
    boolean[] present = layout.checkPush(tensors);
    float[] values = pooledBuffer();
    for (Tensor tensor : tensors) {
      WireDtypes.decode(tensor, values, layout.offset(layout.indexOf(tensor.getName())));
    }
    return finiteOrRejected(values, present, start);
  }

  /**
   * Validates and decodes gradients for every tensor from one little-endian buffer in layout order
   * (a worker's shared-memory file), on the caller's thread.
   */
  public Gradients decodeAll(ByteBuffer littleEndianFloats) {
    long start = System.nanoTime();
    if (littleEndianFloats.remaining() != layout.totalSize() * Float.BYTES) {
      throw new IllegalArgumentException("shared gradients hold " + littleEndianFloats.remaining() + " bytes, the model needs "
          + (long) layout.totalSize() * Float.BYTES);
    }
    float[] values = pooledBuffer();
    FloatBuffer source = littleEndianFloats.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    // A cache-sized chunk at a time: copied once from the file into the buffer, then checked there
    // while it is in L1 (the file is read once; reading its bits and its floats apart cost 0.6 ms of
    // the server's core time per update).
    for (int from = 0; from < values.length; from += CHUNK) {
      int length = Math.min(CHUNK, values.length - from);
      source.get(from, values, from, length);
      if (!FiniteValues.allFinite(values, from, from + length)) {
        source.get(from + length, values, from + length, values.length - from - length);
        boolean[] all = new boolean[layout.size()];
        Arrays.fill(all, true);
        return finiteOrRejected(values, all, start);
      }
    }
    boolean[] present = new boolean[layout.size()];
    Arrays.fill(present, true);
    serverNanos.add(System.nanoTime() - start);
    return new Gradients(values, present);
  }

  private float[] pooledBuffer() {
    float[] values = pool.poll();
    return values != null ? values : new float[layout.totalSize()];
  }

  /** The decoded push, once every value in it is finite; otherwise the buffer goes back and the push is refused. */
  private Gradients finiteOrRejected(float[] values, boolean[] present, long start) {
    try {
      FiniteValues.require(layout, values, present, "gradients");
    } catch (IllegalArgumentException e) {
      pool.offer(values);
      throw e;
    }
    serverNanos.add(System.nanoTime() - start);
    return new Gradients(values, present);
  }

  /** Also publishes every version from now on into {@code file}, for workers on this host. */
  public CompletableFuture<Void> share(SharedWeights file) {
    return CompletableFuture.runAsync(() -> {
      shared = file;
      file.publish(version, weights);
    }, applier);
  }

  /**
   * Queues one optimizer step; the future completes with the snapshot of the weights after it.
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
    return step(gradients, baseVersion, NOT_RELAYED, agentSteps, pushFrames, weightsAs);
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
    return CompletableFuture.supplyAsync(() -> {
      long start = System.nanoTime();
      SharedWeights file = shared;
      SharedWeights.Writing writing = file == null ? null : file.begin(version + 1);
      try {
        step.apply(weights, gradients.values, gradients.present, writing == null ? (from, to) -> { }
            : (from, to) -> writing.put(weights, from, to));
      } finally {
        pool.offer(gradients.values);
      }
      synchronized (this) {
        stalenessSum += Math.max(0, version - baseVersion);
        stalenessUpdates++;
        if (relayStaleness != NOT_RELAYED) {
          relayStalenessSum += relayStaleness;
          relayedUpdates++;
        }
        version++;
        updates++;
        globalStep += agentSteps;
        frames += pushFrames;
      }
      if (writing != null) {
        writing.finish();
      }
      Snapshot published = publish(weightsAs);
      serverNanos.add(System.nanoTime() - start);
      appliedHere.increment();
      return published;
    }, applier);
  }

  /** Copies the whole state between two updates, on the applier thread, for a checkpoint. */
  public CompletableFuture<StoreState> capture() {
    return CompletableFuture.supplyAsync(() -> {
      synchronized (this) {
        return new StoreState(layout, weights.clone(), optimizer.state().copy(), version, globalStep, updates, frames);
      }
    }, applier);
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
    List<Tensor> tensors = weightsAs == null ? null : copyWeights(weightsAs);
    Snapshot published;
    synchronized (this) {
      published = new Snapshot(version, globalStep, updates, frames,
          new Staleness(stalenessSum, stalenessUpdates, relayStalenessSum, relayedUpdates), tensors);
    }
    snapshot = published;
    return published;
  }

  /** The weights as tensors in {@code dtype}, over one new little-endian array for float32. */
  private List<Tensor> copyWeights(DType dtype) {
    if (dtype == DType.DTYPE_BFLOAT16) {
      List<Tensor> tensors = new ArrayList<>(layout.size());
      for (int t = 0; t < layout.size(); t++) {
        tensors.add(WireDtypes.encodeBfloat16(layout.name(t), layout.shape(t), weights, layout.offset(t), layout.numel(t)));
      }
      return List.copyOf(tensors);
    }
    byte[] bytes = new byte[Math.multiplyExact(layout.totalSize(), Float.BYTES)];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(weights);
    List<Tensor> tensors = new ArrayList<>(layout.size());
    for (int t = 0; t < layout.size(); t++) {
      tensors.add(Tensors.of(layout.name(t), layout.shape(t),
          UnsafeByteOperations.unsafeWrap(bytes, layout.offset(t) * Float.BYTES, layout.numel(t) * Float.BYTES)));
    }
    return List.copyOf(tensors);
  }
}
