package a3c.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Utils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Starts the PyTorch engine once per JVM: offline, one intra-op and one inter-op thread.
 *
 * <p>The engine is process-global in DJL, so this is the one static holder. Several worker JVMs
 * starting together would otherwise race while DJL extracts libtorch into its shared cache
 * directory, so the first load happens under an inter-process file lock in that directory.
 */
public final class Torch {

  static final String LOCK_FILE = ".a3c-engine.lock";

  private static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
  private static final ThreadLocal<Boolean> THREAD_READY = ThreadLocal.withInitial(() -> false);

  private static Engine engine;

  /** The resource DJL's libtorch jar carries; an installation without that jar has no libtorch to load. */
  private static final String PACKAGED_LIBTORCH = "native/lib/pytorch.properties";

  private Torch() {}

  /**
   * Whether libtorch can be loaded here: its jar is on {@code loader}'s class path, or
   * {@code PYTORCH_LIBRARY_PATH} names a libtorch of the user's. A bundle made without
   * {@code --with-libtorch} has neither, and the engine would fail only in each worker, offline.
   */
  public static boolean available(ClassLoader loader, String libraryPath) {
    return loader.getResource(PACKAGED_LIBTORCH) != null || (libraryPath != null && !libraryPath.isBlank());
  }

  /** A new root manager on the CPU; the caller closes it. */
  public static NDManager newManager() {
    return engine().newBaseManager();
  }

  /**
   * Readies the calling thread for libtorch, once per thread: one intra-op thread and no autograd
   * recording. libtorch keeps both per thread, and OpenMP's thread count set when the engine
   * started holds only on the thread that started it: a pass run on another thread (a benchmark's
   * or a test's worker thread) spread over every core, and its backward pass, which waits for all of
   * them, took 100-240 ms instead of 0.3 ms on a busy 2-core machine.
   */
  public static void useCallingThread() {
    if (!THREAD_READY.get()) {
      engine();
      JniUtils.setNumThreads(Integer.parseInt(System.getProperty(NUM_THREADS)));
      noGrad();
      THREAD_READY.set(true);
    }
  }

  /**
   * Turns autograd recording off for the calling thread; libtorch keeps grad mode per thread and
   * defaults to on, so a forward pass outside a backward one would otherwise build a graph nobody reads.
   */
  public static void noGrad() {
    JniUtils.setGradMode(false);
  }

  /** Turns autograd recording on for the calling thread. */
  public static void recordGrad() {
    JniUtils.setGradMode(true);
  }

  /** Back-propagates a scalar loss into the gradients of the leaves that require them. */
  public static void backward(NDArray loss) {
    try (NDArray seed = loss.onesLike()) {
      JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
    }
  }

  /** Zeroes a leaf's accumulated gradient, since libtorch adds each backward onto it. */
  public static void zeroGradient(NDArray parameter) {
    JniUtils.zeroGrad((PtNDArray) parameter);
  }

  static synchronized Engine engine() {
    if (engine == null) {
      if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
        throw new IllegalStateException("weights are little-endian on the wire; this platform is not");
      }
      // The workers are the parallelism: libtorch's own pools would only fight over cores.
      System.setProperty("ai.djl.offline", "true");
      setIfAbsent(NUM_THREADS, "1");
      setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
      // No TorchScript runs here; turning its graph optimizer off also drops a startup warning.
      setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
      engine = loadUnderLock(Utils.getEngineCacheDir());
    }
    return engine;
  }

  private static Engine loadUnderLock(Path cacheDir) {
    try {
      Files.createDirectories(cacheDir);
      try (FileChannel channel = FileChannel.open(cacheDir.resolve(LOCK_FILE),
              StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        return Engine.getEngine("PyTorch");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock the DJL cache " + cacheDir, e);
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
