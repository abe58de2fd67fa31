package a3c.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.optim.Optimizer;
import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.DType;
import a3c.proto.Tensor;
import a3c.rpc.Tensors;
import a3c.rpc.WireDtypes;
import a3c.rpc.ZeroSkipping;
import a3c.testing.TestModels;
import a3c.shm.SharedWeights;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParameterStoreTest {
  private static final OptimizerConfig ADAM = OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3);
  /** A model whose tensors do not split evenly between threads. */
  private static final String[] NAMES = {"conv", "bias", "fc"};
  private static final long[][] SHAPES = {{5, 7, 3}, {1}, {33, 17}};
  private final List<ParameterStore> stores = new ArrayList<>();

  @AfterEach
  void closeStores() {
    stores.forEach(ParameterStore::close);
  }

  private ParameterStore small() {
    ParameterStore store = ParameterStore.initialize(TestModels.random(TestModels.SMALL_NAMES, TestModels.SMALL_SHAPES, 1, 1f), ADAM, 1);
    stores.add(store);
    return store;
  }

  @Test
  void manyThreadsPushingAtOnce_loseNoUpdate_andMatchTheSequentialResult() throws Exception {
    ParameterStore store = small();
    int threads = 8;
    int pushesEach = 50;
    List<Tensor> gradients = TestModels.random(TestModels.SMALL_NAMES, TestModels.SMALL_SHAPES, 2, 1f);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < pushesEach; i++) {
          store.apply(store.decode(gradients), store.snapshot().version(), 20, 80, i % 2 == 0 ? DType.DTYPE_FLOAT32 : null).join();
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> future : done) {
      future.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    Snapshot after = store.withWeights().join();
    assertEquals(threads * pushesEach, after.version());
    assertEquals(threads * pushesEach, after.updates());
    assertEquals(threads * pushesEach * 20L, after.globalStep());
    assertEquals(threads * pushesEach * 80L, after.frames());
    // The same gradient every time makes the result independent of the order: compare with a plain loop.
    float[] expected = flatten(TestModels.random(TestModels.SMALL_NAMES, TestModels.SMALL_SHAPES, 1, 1f));
    float[] flatGradients = flatten(gradients);
    Optimizer reference = Optimizer.create(ADAM, new int[] {6, 3});
    for (int i = 0; i < threads * pushesEach; i++) {
      reference.step(0, expected, flatGradients, 0, 6);
      reference.step(1, expected, flatGradients, 6, 3);
    }
    assertArrayEquals(expected, flatten(after.weights()), 0f);
  }

  @Test
  void severalApplierThreads_publishTheOneThreadWeights_inTheSharedFileToo(@TempDir Path folder) throws Exception {
    List<Tensor> initial = TestModels.random(NAMES, SHAPES, 3, 0.1f);
    ParameterStore oneThread = ParameterStore.initialize(initial, ADAM, 1);
    ParameterStore threeThreads = ParameterStore.initialize(initial, ADAM, 3);
    stores.addAll(List.of(oneThread, threeThreads));
    try (SharedWeights file = SharedWeights.create(folder, threeThreads.layout().totalSize(), 4)) {
      threeThreads.share(file).join();
      for (int push = 0; push < 5; push++) {
        List<Tensor> gradients = TestModels.random(NAMES, SHAPES, 10 + push, 1f);
        oneThread.apply(oneThread.decode(gradients), push, 20, 80, null).join();
        threeThreads.apply(threeThreads.decode(gradients), push, 20, 80, null).join();
      }
      float[] expected = flatten(oneThread.withWeights().join().weights());
      assertArrayEquals(expected, flatten(threeThreads.withWeights().join().weights()), 0f);
      float[] shared = new float[expected.length];
      assertEquals(5, readShared(file, threeThreads, shared));
      assertArrayEquals(expected, shared, 0f);
    }
  }

  @Test
  void pushesQueuedWhileTheApplierIsBusy_areAppliedInOnePass_asOneStepAfterAnother(@TempDir Path folder)
      throws Exception {
    List<Tensor> initial = TestModels.random(NAMES, SHAPES, 3, 0.1f);
    ParameterStore oneByOne = ParameterStore.initialize(initial, ADAM, 1);
    ParameterStore queued = ParameterStore.initialize(initial, ADAM, 2);
    stores.addAll(List.of(oneByOne, queued));
    DType[] asked = {null, DType.DTYPE_FLOAT32, DType.DTYPE_BFLOAT16, null, DType.DTYPE_FLOAT32};
    try (SharedWeights file = SharedWeights.create(folder, queued.layout().totalSize(), 4)) {
      queued.share(file).join();
      List<CompletableFuture<Snapshot>> applied = new ArrayList<>();
      // capture() waits on the counters' monitor on the applier thread: holding it keeps the applier
      // busy while all five pushes queue up behind it.
      synchronized (queued.counters) {
        queued.capture();
        for (int push = 0; push < asked.length; push++) {
          List<Tensor> gradients = pushGradients(push);
          oneByOne.apply(oneByOne.decode(gradients), 0, 20, 80, null).join();
          applied.add(queued.apply(queued.decode(gradients), 0, 20, 80, asked[push]));
        }
        assertTrue(applied.stream().noneMatch(CompletableFuture::isDone), "the applier is held");
      }
      float[] expected = flatten(oneByOne.withWeights().join().weights());
      for (int push = 0; push < asked.length; push++) {
        Snapshot snapshot = applied.get(push).get(30, TimeUnit.SECONDS);
        assertEquals(5, snapshot.version(), "push " + push + " is answered with the pass's version");
        assertEquals(5 * 20L, snapshot.globalStep());
        assertEquals(5, snapshot.updates());
        assertEquals(new Staleness(0 + 1 + 2 + 3 + 4, 5, 0, 0), snapshot.staleness(),
            "each push is as stale as if applied alone");
        if (asked[push] == null) {
          assertEquals(null, snapshot.weights());
        } else {
          assertTrue(snapshot.hasWeights(asked[push]), "push " + push + " gets its weights in the dtype it asked");
        }
      }
      assertBitsEqual(expected, flatten(applied.get(1).join().weights()));
      assertEquals(WireDtypes.as(applied.get(1).join().weights(), DType.DTYPE_BFLOAT16), applied.get(2).join().weights(),
          "the bfloat16 weights rounded chunk by chunk in the step are those of the float32 weights");
      float[] shared = new float[expected.length];
      assertEquals(5, readShared(file, queued, shared));
      assertBitsEqual(expected, shared);
      assertArrayEquals(oneByOne.capture().join().optimizer().steps(), queued.capture().join().optimizer().steps());
      assertBitsEqual(oneByOne.capture().join().optimizer().secondMoment(),
          queued.capture().join().optimizer().secondMoment());
    }
  }

  /** Push {@code push}'s gradients: its own values, and every other push leaves the bias out. */
  private static List<Tensor> pushGradients(int push) {
    List<Tensor> gradients = TestModels.random(NAMES, SHAPES, 10 + push, 1f);
    return push % 2 == 0 ? gradients : List.of(gradients.get(0), gradients.get(2));
  }

  private static void assertBitsEqual(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "element " + i);
    }
  }

  @Test
  void sharedMemoryGradients_acceptUpToTheLimit_andRefuseBeyondIt_inAnyChunk() {
    String[] names = {"big", "small"};
    long[][] shapes = {{3, 4000}, {5}};
    ParameterStore store = ParameterStore.initialize(TestModels.random(names, shapes, 1, 0.1f), ADAM, 2);
    stores.add(store);
    int floats = store.layout().totalSize();
    float limit = FiniteValues.MAX_ABS_VALUE;
    for (float good : new float[] {limit, -limit, -0f, Float.MIN_VALUE}) {
      store.apply(fromFile(store, bufferWith(floats, 9000, good)), 0, 1, 1, null).join();
    }
    float negativeNaN = Float.intBitsToFloat(0xffc00000);
    int[] where = {5, 4100, 11999, floats - 1};
    String[] tensor = {"big", "big", "big", "small"};
    for (float bad : new float[] {Math.nextUp(limit), -Math.nextUp(limit), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.NaN, negativeNaN}) {
      for (int i = 0; i < where.length; i++) {
        ByteBuffer push = bufferWith(floats, where[i], bad);
        // A store whose passes hold one push at a time checks a file on the caller's thread.
        String message = assertThrows(IllegalArgumentException.class, () -> fromFile(store, push)).getMessage();
        int index = where[i] - (tensor[i].equals("big") ? 0 : 12000);
        assertTrue(message.startsWith("gradients of tensor '" + tensor[i] + "' hold " + bad + " at index " + index + ":"),
            message);
      }
    }
    assertEquals(4, store.snapshot().version());
  }

  /**
   * A store whose last pass held three pushes leaves files where they are for the applier. One good
   * file beside the refused one: the pass copies both files first; three: the step reads them.
   */
  @ParameterizedTest(name = "{0} good shared-memory pushes beside the refused one")
  @ValueSource(ints = {1, 3})
  void sharedMemoryPushRefusedInAPass_isAnsweredSo_andTheOthersStepAsIfItHadNeverCome(int goodFiles,
      @TempDir Path folder) throws Exception {
    List<Tensor> initial = TestModels.random(NAMES, SHAPES, 3, 0.1f);
    ParameterStore oneByOne = ParameterStore.initialize(initial, ADAM, 1);
    ParameterStore queued = ParameterStore.initialize(initial, ADAM, 2);
    stores.addAll(List.of(oneByOne, queued));
    int floats = queued.layout().totalSize();
    List<Tensor> first = TestModels.random(NAMES, SHAPES, 20, 1f);
    ByteBuffer refusedFile = inFile(TestModels.random(NAMES, SHAPES, 21, 1f));
    refusedFile.putFloat((floats - 2) * Float.BYTES, Float.NaN);
    try (SharedWeights file = SharedWeights.create(folder, floats, 4)) {
      queued.share(file).join();
      List<CompletableFuture<Snapshot>> busy = new ArrayList<>();
      // Holding the counters' monitor keeps the applier busy (see above): the pushes make one pass.
      synchronized (queued.counters) {
        queued.capture();
        for (int push = 0; push < 3; push++) {
          busy.add(queued.apply(queued.decode(pushGradients(push)), 0, 20, 80, null));
        }
      }
      for (int push = 0; push < 3; push++) {
        oneByOne.apply(oneByOne.decode(pushGradients(push)), 0, 20, 80, null).join();
        assertEquals(3, busy.get(push).get(30, TimeUnit.SECONDS).version());
      }
      CompletableFuture<Snapshot> fromRequest;
      CompletableFuture<Snapshot> refused;
      List<CompletableFuture<Snapshot>> fromFiles = new ArrayList<>();
      synchronized (queued.counters) {
        queued.capture();
        fromRequest = queued.apply(queued.decode(first), 0, 20, 80, DType.DTYPE_FLOAT32);
        refused = queued.apply(fromFile(queued, refusedFile), 0, 20, 80, null);
        for (int push = 0; push < goodFiles; push++) {
          fromFiles.add(queued.apply(fromFile(queued, inFile(TestModels.random(NAMES, SHAPES, 22 + push, 1f))), 0, 20, 80,
              null));
        }
      }
      ExecutionException refusal = assertThrows(ExecutionException.class, () -> refused.get(30, TimeUnit.SECONDS));
      assertEquals("gradients of tensor 'fc' hold NaN at index 559: only finite values within +-1.0E18 are accepted",
          assertInstanceOf(IllegalArgumentException.class, refusal.getCause()).getMessage());
      oneByOne.apply(oneByOne.decode(first), 0, 20, 80, null).join();
      for (int push = 0; push < goodFiles; push++) {
        oneByOne.apply(oneByOne.decode(TestModels.random(NAMES, SHAPES, 22 + push, 1f)), 0, 20, 80, null).join();
      }
      float[] expected = flatten(oneByOne.withWeights().join().weights());
      int applied = 3 + 1 + goodFiles;
      for (CompletableFuture<Snapshot> fromFile : fromFiles) {
        assertEquals(applied, fromFile.get(30, TimeUnit.SECONDS).version());
      }
      assertEquals(applied, fromRequest.join().version());
      assertEquals(applied * 20L, fromRequest.join().globalStep(), "the refused push's agent steps do not count");
      assertBitsEqual(expected, flatten(fromRequest.join().weights()));
      float[] shared = new float[floats];
      assertEquals(applied, readShared(file, queued, shared));
      assertBitsEqual(expected, shared);
      assertArrayEquals(oneByOne.capture().join().optimizer().steps(), queued.capture().join().optimizer().steps());
      assertBitsEqual(oneByOne.capture().join().optimizer().firstMoment(), queued.capture().join().optimizer().firstMoment());
    }
  }

  private static Gradients fromFile(ParameterStore store, ByteBuffer littleEndianFloats) {
    return store.sharedGradients(littleEndianFloats, "gradients-w0.a3cshm", () -> { });
  }

  /** The tensors' values one after another, little-endian, as a worker's shared-memory file holds them. */
  private static ByteBuffer inFile(List<Tensor> tensors) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(tensors.stream().mapToInt(t -> t.getData().size()).sum())
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    tensors.forEach(tensor -> buffer.put(tensor.getData().asReadOnlyByteBuffer()));
    return buffer.clear();
  }

  private static ByteBuffer bufferWith(int floats, int index, float value) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(floats * Float.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buffer.putFloat(index * Float.BYTES, value);
    return buffer;
  }

  @Test
  void snapshots_areImmutable_laterUpdatesDoNotChangeThem() {
    ParameterStore store = small();
    Snapshot before = store.withWeights().join();
    float[] beforeValues = flatten(before.weights());
    store.apply(store.decode(TestModels.constant(TestModels.SMALL_NAMES, TestModels.SMALL_SHAPES, 1f)), 0, 1, 1, DType.DTYPE_FLOAT32).join();
    assertArrayEquals(beforeValues, flatten(before.weights()), 0f);
    assertEquals(1, store.snapshot().version());
  }

  @Test
  void subsetPush_updatesOnlyThoseTensors() {
    ParameterStore store = small();
    float[] before = flatten(store.withWeights().join().weights());
    List<Tensor> onlyBias = List.of(TestModels.constant(TestModels.SMALL_NAMES, TestModels.SMALL_SHAPES, 1f).get(1));
    store.apply(store.decode(onlyBias), 0, 1, 1, null).join();
    assertEquals(null, store.snapshot().weights(), "no copy of the weights unless asked");
    float[] after = flatten(store.withWeights().join().weights());
    for (int i = 0; i < 6; i++) {
      assertEquals(before[i], after[i], 0f);
    }
    for (int i = 6; i < 9; i++) {
      assertEquals(before[i] - 1e-3f, after[i], 1e-6f);
    }
    StoreState state = store.capture().join();
    assertArrayEquals(new long[] {0, 1}, state.optimizer().steps());
  }

  @Test
  void gradientsWithoutTheirZeros_stepAsTheDenseOnes_inEitherDtype() {
    String[] names = {"fc", "bias"};
    long[][] shapes = {{40, 33}, {7}};
    List<Tensor> initial = TestModels.random(names, shapes, 3, 0.1f);
    float[] sparse = new float[40 * 33];
    for (int i = 0; i < sparse.length; i += 3) {
      sparse[i] = (i % 7) * 1e-3f - 2e-3f;
    }
    List<Tensor> dense = List.of(Tensors.encode("fc", shapes[0], sparse, 0, sparse.length),
        Tensors.encode("bias", shapes[1], new float[] {1, 0, 0, 2, 0, 0, 3}, 0, 7));
    for (DType wire : DType.values()) {
      if (wire == DType.UNRECOGNIZED) {
        continue;
      }
      ParameterStore fromDense = ParameterStore.initialize(initial, ADAM, 2);
      ParameterStore fromSkipped = ParameterStore.initialize(initial, ADAM, 2);
      stores.addAll(List.of(fromDense, fromSkipped));
      List<Tensor> skipped = ZeroSkipping.encode(dense, wire);
      assertTrue(skipped.stream().allMatch(ZeroSkipping::skipsZeros), "most values are zero: both tensors skip them");
      fromDense.apply(fromDense.decode(WireDtypes.as(dense, wire)), 0, 1, 1, null).join();
      fromSkipped.apply(fromSkipped.decode(skipped), 0, 1, 1, null).join();
      assertBitsEqual(flatten(fromDense.withWeights().join().weights()), flatten(fromSkipped.withWeights().join().weights()));
    }
  }

  @Test
  void badGradients_areRejectedWithTheTensorNamed_andChangeNothing() {
    ParameterStore store = small();
    StoreState before = store.capture().join();
    List<Tensor> good = TestModels.constant(TestModels.SMALL_NAMES, TestModels.SMALL_SHAPES, 1f);
    assertRejected(store, "unknown tensor 'nope': the model has no tensor of that name",
        List.of(good.get(0), Tensors.of("nope", new long[] {3}, good.get(1).getData())));
    assertRejected(store, "tensor 'b' has shape [1, 3] but the model's is [3]",
        List.of(Tensors.of("b", new long[] {1, 3}, good.get(1).getData())));
    assertRejected(store, "tensor 'b' of shape [3] needs 12 bytes, got 8",
        List.of(Tensors.of("b", new long[] {3}, good.get(1).getData().substring(0, 8))));
    assertRejected(store, "tensor 'w' appears twice in the push", List.of(good.get(0), good.get(0)));
    assertRejected(store, "the push carries no gradients", List.of());
    assertRejected(store, "gradients of tensor 'b' hold NaN at index 2: only finite values within +-1.0E18 are accepted",
        List.of(good.get(0), Tensors.encode("b", new long[] {3}, new float[] {1, 2, Float.NaN}, 0, 3)));
    assertRejected(store, "gradients of tensor 'w' hold Infinity at index 0: only finite values within +-1.0E18 are accepted",
        List.of(Tensors.encode("w", new long[] {2, 3}, new float[] {Float.POSITIVE_INFINITY, 0, 0, 0, 0, 0}, 0, 6)));
    Tensor skipped = ZeroSkipping.encode(Tensors.encode("w", new long[] {2, 3}, new float[] {0, 0, Float.NaN, 0, 0, 0}, 0, 6),
        DType.DTYPE_FLOAT32);
    assertTrue(ZeroSkipping.skipsZeros(skipped));
    assertRejected(store, "gradients of tensor 'w' hold NaN at index 2: only finite values within +-1.0E18 are accepted",
        List.of(skipped));
    assertRejected(store, "tensor 'w' marks 1 nonzero values but holds 0 bytes of DTYPE_FLOAT32",
        List.of(skipped.toBuilder().setData(ByteString.EMPTY).build()));
    StoreState after = store.capture().join();
    assertArrayEquals(before.weights(), after.weights(), 0f);
    assertArrayEquals(before.optimizer().secondMoment(), after.optimizer().secondMoment(), 0f);
    assertArrayEquals(before.optimizer().steps(), after.optimizer().steps());
    assertEquals(0, after.version());
  }

  @Test
  void initialWeights_mustBeFiniteAndFitTheirShapes() {
    assertEquals("weights of tensor 'b' hold NaN at index 0: only finite values within +-1.0E18 are accepted",
        assertThrows(IllegalArgumentException.class, () -> ParameterStore.initialize(List.of(
            Tensors.encode("b", new long[] {1}, new float[] {Float.NaN}, 0, 1)), ADAM, 1)).getMessage());
    assertEquals("tensor 'b' of shape [2] needs 8 bytes, got 4",
        assertThrows(IllegalArgumentException.class, () -> ParameterStore.initialize(List.of(
            Tensors.of("b", new long[] {2}, ByteString.copyFrom(new byte[4]))), ADAM, 1)).getMessage());
    assertEquals("tensor 'b' has shape [0, 2]: every dimension must be positive",
        assertThrows(IllegalArgumentException.class, () -> ParameterStore.initialize(List.of(
            Tensors.of("b", new long[] {0, 2}, ByteString.EMPTY)), ADAM, 1)).getMessage());
    // 2 * 2^62 wraps a long to 0 if multiplied unchecked, and 0 bytes would then fit.
    assertEquals("tensor 'b' of shape [2, 4611686018427387904] is too large",
        assertThrows(IllegalArgumentException.class, () -> ParameterStore.initialize(List.of(
            Tensors.of("b", new long[] {2, 1L << 62}, ByteString.EMPTY)), ADAM, 1)).getMessage());
    assertEquals("tensor 'b' of shape [65536, 32768] is too large",
        assertThrows(IllegalArgumentException.class, () -> ParameterStore.initialize(List.of(
            Tensors.of("b", new long[] {65536, 32768}, ByteString.EMPTY)), ADAM, 1)).getMessage());
  }

  private static void assertRejected(ParameterStore store, String message, List<Tensor> push) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.decode(push));
    assertEquals(message, e.getMessage());
    assertTrue(store.snapshot().version() == 0);
  }

  /** Reads the newest version in {@code file} into {@code into}; returns the version. */
  private static long readShared(SharedWeights file, ParameterStore store, float[] into) {
    return file.read(store.layout().sizes(), tensors -> {
      int offset = 0;
      for (ByteBuffer tensor : tensors) {
        tensor.asFloatBuffer().get(into, offset, tensor.remaining() / Float.BYTES);
        offset += tensor.remaining() / Float.BYTES;
      }
    });
  }

  static float[] flatten(List<Tensor> tensors) {
    int total = tensors.stream().mapToInt(t -> t.getData().size() / 4).sum();
    float[] values = new float[total];
    int offset = 0;
    for (Tensor tensor : tensors) {
      Tensors.decode(tensor.getData(), values, offset);
      offset += tensor.getData().size() / 4;
    }
    return values;
  }
}
