package a3c.store;

import a3c.optim.Optimizer;
import a3c.optim.OptimizerConfig;
import a3c.proto.Tensor;
import a3c.rpc.Tensors;
import a3c.shm.SharedWeights;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
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
 * the writer, never see a half-applied step, and every reply of one version shares the same bytes. One writer suffices: a step over 1.2M parameters takes a few milliseconds, well above what
 * the workers of one host can push, and the reference's Hogwild-style shared Adam (racy by design)
 * is exactly what the issue rules out.
 */
public final class ParameterStore implements AutoCloseable {
  private static final int POOLED_BUFFERS = 16;
  private static final int CHUNK = 4096;
  /** The largest magnitude accepted: squared, as Adam's and RMSprop's second moments square it, it stays finite in a float. */
  public static final float MAX_ABS_VALUE = 1e18f;

  private final TensorLayout layout;
  private final float[] weights;
  private final Optimizer optimizer;
  private final ExecutorService applier;
  private final BlockingQueue<float[]> pool = new ArrayBlockingQueue<>(POOLED_BUFFERS);
  private long version;
  private long globalStep;
  private long updates;
  private long frames;
  private long stalenessSum;
  private long stalenessUpdates;
  private volatile Snapshot snapshot;
  private volatile SharedWeights shared;
  private final LongAdder serverNanos = new LongAdder();
  private final LongAdder appliedHere = new LongAdder();

  private ParameterStore(StoreState state, Optimizer optimizer) {
    this.layout = state.layout();
    this.weights = state.weights();
    this.optimizer = optimizer;
    this.version = state.version();
    this.globalStep = state.globalStep();
    this.updates = state.updates();
    this.frames = state.frames();
    this.applier = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "ps-applier");
      thread.setDaemon(true);
      return thread;
    });
    publish(true);
  }

  /** A store over freshly initialised weights (checked: names, shapes, byte lengths, finite values). */
  public static ParameterStore initialize(List<Tensor> tensors, OptimizerConfig config) {
    TensorLayout layout = TensorLayout.of(tensors);
    float[] weights = new float[layout.totalSize()];
    for (int t = 0; t < layout.size(); t++) {
      Tensors.decode(tensors.get(t).getData(), weights, layout.offset(t));
    }
    requireFinite(layout, weights, null, "weights");
    Optimizer optimizer = Optimizer.create(config, layout.sizes());
    return new ParameterStore(new StoreState(layout, weights, optimizer.state(), 0, 0, 0, 0), optimizer);
  }

  /** A store that continues exactly where a checkpoint left off. */
  public static ParameterStore restore(StoreState state, OptimizerConfig config) {
    return new ParameterStore(state, Optimizer.restore(config, state.optimizer()));
  }

  public TensorLayout layout() {
    return layout;
  }

  /** The latest counters; its weights may be null. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** The latest snapshot with its weights, copied out on the applier if no push asked for them. */
  public CompletableFuture<Snapshot> withWeights() {
    Snapshot latest = snapshot;
    if (latest.weights() != null) {
      return CompletableFuture.completedFuture(latest);
    }
    return CompletableFuture.supplyAsync(() -> snapshot.weights() != null ? snapshot : publish(true), applier);
  }

  /**
   * The mean of (version when applied - version the gradients were computed on), over the updates
   * this store applied (a checkpoint does not carry the sum, so a resumed run starts it afresh).
   */
  public synchronized double meanStaleness() {
    return stalenessUpdates == 0 ? 0 : (double) stalenessSum / stalenessUpdates;
  }

  /** Server time spent per update so far: decoding and validating, the optimizer step, publishing. */
  public double serverMillisPerUpdate() {
    long applied = appliedHere.sum();
    return applied == 0 ? 0 : serverNanos.sum() / 1e6 / applied;
  }

  /**
   * Validates a push's gradients and decodes them into a pooled buffer, on the caller's thread.
   *
   * @throws IllegalArgumentException naming the tensor when a name is unknown or repeated, a shape
   *     or byte length is wrong, or a value is NaN, infinite or beyond {@link #MAX_ABS_VALUE}
   */
  public Gradients decode(List<Tensor> tensors) {
    long start = System.nanoTime();
    boolean[] present = layout.checkPush(tensors);
    float[] values = pooledBuffer();
    for (Tensor tensor : tensors) {
      Tensors.decode(tensor.getData(), values, layout.offset(layout.indexOf(tensor.getName())));
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
    // Copy and check a cache-sized chunk at a time: the check then reads what the copy just wrote
    // from L1 rather than the whole model again from memory.
    for (int from = 0; from < values.length; from += CHUNK) {
      int length = Math.min(CHUNK, values.length - from);
      source.get(values, from, length);
      if (!allFinite(values, from, from + length)) {
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

  /**
   * Whether every value in {@code [from, to)} is {@link #accepted}. A max reduction, because C2
   * vectorises it and not a loop that can exit early (0.24 against 0.6-1.5 ms over the Atari
   * network here); NaN, which fails every comparison, survives {@code Math.max}.
   */
  private static boolean allFinite(float[] values, int from, int to) {
    float largest = 0f;
    for (int i = from; i < to; i++) {
      largest = Math.max(largest, Math.abs(values[i]));
    }
    return accepted(largest);
  }

  /** Finite and within {@link #MAX_ABS_VALUE}; false for NaN, which fails every comparison. */
  private static boolean accepted(float value) {
    return Math.abs(value) <= MAX_ABS_VALUE;
  }

  private float[] pooledBuffer() {
    float[] values = pool.poll();
    return values != null ? values : new float[layout.totalSize()];
  }

  /** The decoded push, once every value in it is finite; otherwise the buffer goes back and the push is refused. */
  private Gradients finiteOrRejected(float[] values, boolean[] present, long start) {
    try {
      requireFinite(layout, values, present, "gradients");
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
   * @param returnWeights whether the snapshot should carry the new weights (workers on this host
   *     read them from shared memory instead, which saves a copy of the model per update)
   */
  public CompletableFuture<Snapshot> apply(Gradients gradients, long baseVersion, long agentSteps, long pushFrames,
      boolean returnWeights) {
    return CompletableFuture.supplyAsync(() -> {
      long start = System.nanoTime();
      try {
        for (int t = 0; t < layout.size(); t++) {
          if (gradients.present[t]) {
            optimizer.step(t, weights, gradients.values, layout.offset(t), layout.numel(t));
          }
        }
      } finally {
        pool.offer(gradients.values);
      }
      synchronized (this) {
        stalenessSum += Math.max(0, version - baseVersion);
        stalenessUpdates++;
        version++;
        updates++;
        globalStep += agentSteps;
        frames += pushFrames;
      }
      Snapshot published = publish(returnWeights);
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
  }

  private Snapshot publish(boolean withWeights) {
    SharedWeights file = shared;
    if (file != null && (snapshot == null || snapshot.version() != version)) {
      file.publish(version, weights);
    }
    List<Tensor> tensors = withWeights ? copyWeights() : null;
    Snapshot published;
    synchronized (this) {
      published = new Snapshot(version, globalStep, updates, frames, tensors);
    }
    snapshot = published;
    return published;
  }

  /** The weights as tensors over one new little-endian array. */
  private List<Tensor> copyWeights() {
    byte[] bytes = new byte[Math.multiplyExact(layout.totalSize(), Float.BYTES)];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(weights);
    List<Tensor> tensors = new ArrayList<>(layout.size());
    for (int t = 0; t < layout.size(); t++) {
      tensors.add(Tensors.of(layout.name(t), layout.shape(t),
          UnsafeByteOperations.unsafeWrap(bytes, layout.offset(t) * Float.BYTES, layout.numel(t) * Float.BYTES)));
    }
    return List.copyOf(tensors);
  }

  /** Rejects NaN, infinities and values too large to square, naming the first tensor that holds one. */
  private static void requireFinite(TensorLayout layout, float[] values, boolean[] present, String what) {
    for (int t = 0; t < layout.size(); t++) {
      if (present != null && !present[t]) {
        continue;
      }
      int end = layout.offset(t) + layout.numel(t);
      if (allFinite(values, layout.offset(t), end)) {
        continue;
      }
      for (int i = layout.offset(t); i < end; i++) {
        if (!accepted(values[i])) {
          throw new IllegalArgumentException(what + " of tensor '" + layout.name(t) + "' hold " + values[i]
              + " at index " + (i - layout.offset(t)) + ": only finite values within +-" + MAX_ABS_VALUE + " are accepted");
        }
      }
    }
  }
}
