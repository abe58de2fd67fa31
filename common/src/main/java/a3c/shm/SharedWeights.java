package a3c.shm;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The latest weights in a memory-mapped file, for workers on the parameter server's host.
 *
 * <p>Over gRPC every rollout moves the whole model twice (gradients in, weights out); on one host
 * that is mostly memory copies and kernel work, and it cost more than acting and learning together.
 * Here the server writes each published version into one of a few slots, in turn, and workers
 * read the newest one directly. Slots go in turn rather than by version because versions may jump
 * (the server applies queued pushes in one pass): a slot picked by version could be the one
 * readers are copying the newest version from. Each slot has a sequence number (odd while being written): a reader copies
 * the slot, then checks the number did not move, and otherwise copies again (a seqlock).
 *
 * <p>Layout, little-endian: magic, slot count, floats per slot, latest version, the latest version's
 * slot, then per slot its sequence number and version, then the slots' floats, 64-byte aligned.
 */
public final class SharedWeights implements AutoCloseable {
  public static final String FILE_NAME = "weights.a3cshm";
  private static final long MAGIC = 0x32574d4853433341L; // "A3CSHMW2"
  private static final int LATEST = 16;
  static final int LATEST_SLOT = 24;
  static final int SLOT_HEADERS = 32;
  /** How long a reader waits for a slot being written; a live writer fills one in milliseconds. */
  static final long READ_PATIENCE_NANOS = 1_000_000_000L;
  private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final FileChannel channel;
  private final MappedByteBuffer map;
  private final int slots;
  private final int floats;
  private final int dataOffset;

  private SharedWeights(FileChannel channel, MappedByteBuffer map, int slots, int floats) {
    this.channel = channel;
    this.map = map;
    this.slots = slots;
    this.floats = floats;
    this.dataOffset = align(SLOT_HEADERS + slots * 16);
    map.order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Creates the file for a model of {@code floats} parameters, or takes over the one a previous
   * server left there if it has the same geometry: workers that mapped it keep reading the right
   * file after a server restart.
   *
   * @throws IOException also when the folder has no room for the file, which is then not left there
   */
  public static SharedWeights create(Path folder, int floats, int slots) throws IOException {
    Files.createDirectories(folder);
    Path file = folder.resolve(FILE_NAME);
    long size = align(SLOT_HEADERS + slots * 16) + (long) slots * floats * Float.BYTES;
    if (Files.exists(file)) {
      try {
        SharedWeights previous = open(folder, floats);
        if (previous.slots == slots && previous.channel.size() == size) {
          return previous;
        }
        previous.close();
      } catch (IOException notOurs) {
        // Not a weights file of this geometry: replace it.
      }
      Files.delete(file);
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileRoom.take(channel, file, size);
    MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
    SharedWeights weights = new SharedWeights(channel, map, slots, floats);
    map.putInt(8, slots).putInt(12, floats);
    LONGS.setRelease(map, LATEST, -1L);
    LONGS.setRelease(map, 0, MAGIC);
    return weights;
  }

  /**
   * Opens the server's file in {@code folder}.
   *
   * @throws IOException when there is none, or it is not a weights file for a model of {@code floats}
   */
  public static SharedWeights open(Path folder, int floats) throws IOException {
    Path file = folder.resolve(FILE_NAME);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size());
    map.order(ByteOrder.LITTLE_ENDIAN);
    if ((long) LONGS.getAcquire(map, 0) != MAGIC || map.getInt(12) != floats) {
      channel.close();
      throw new IOException(file + " is not a shared weights file for a model of " + floats + " floats");
    }
    return new SharedWeights(channel, map, map.getInt(8), floats);
  }

  /** Writes a version; called by the server's single writer only. */
  public void publish(long version, float[] weights) {
    Writing writing = begin(version);
    writing.put(weights, 0, floats);
    writing.finish();
  }

  /**
   * Starts writing a version into its slot, for a writer that fills it in ranges (several threads
   * at once, each its own range), then calls {@link Writing#finish} once, after all of them.
   */
  public Writing begin(long version) {
    int slot = (int) Math.floorMod(map.getLong(LATEST_SLOT) + 1, (long) slots);
    int seq = SLOT_HEADERS + slot * 16;
    // Odd while writing. A server killed mid-write leaves the number odd; "| 1" keeps the parity
    // right for the server that takes the file over, so readers never wait on a finished slot.
    long writing = (long) LONGS.getAcquire(map, seq) | 1;
    LONGS.setRelease(map, seq, writing);
    VarHandle.storeStoreFence();
    FloatBuffer floatsOfSlot = map.slice(dataOffset + slot * floats * Float.BYTES, floats * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    return new Writing(version, slot, writing, floatsOfSlot);
  }

  /** One version being written into its slot. */
  public final class Writing {
    private final long version;
    private final int slotIndex;
    private final long sequence;
    private final FloatBuffer slot;

    private Writing(long version, int slotIndex, long sequence, FloatBuffer slot) {
      this.version = version;
      this.slotIndex = slotIndex;
      this.sequence = sequence;
      this.slot = slot;
    }

    /** Copies {@code weights[from, to)} into the slot; disjoint ranges may be written by different threads. */
    public void put(float[] weights, int from, int to) {
      slot.put(from, weights, from, to - from);
    }

    /** Makes the version visible; the caller must have seen every {@link #put} finish (joined its threads). */
    public void finish() {
      int seq = SLOT_HEADERS + slotIndex * 16;
      map.putLong(seq + 8, version);
      LONGS.setRelease(map, seq, sequence + 1);
      // Before the version, released with it: a reader that sees the version sees this slot or a newer one.
      map.putLong(LATEST_SLOT, slotIndex);
      LONGS.setRelease(map, LATEST, version);
    }
  }

  /**
   * Hands the newest version, as little-endian tensor slices of the given sizes, to {@code load},
   * again if a writer overwrote the slot meanwhile; returns the version loaded, or -1 if there is
   * none yet or no slot settled within {@link #READ_PATIENCE_NANOS} (a writer that died mid-write).
   */
  public long read(int[] tensorSizes, Consumer<List<ByteBuffer>> load) {
    long giveUp = System.nanoTime() + READ_PATIENCE_NANOS;
    while (true) {
      long version = (long) LONGS.getAcquire(map, LATEST);
      if (version < 0) {
        return -1;
      }
      long latestSlot = map.getLong(LATEST_SLOT);
      int slot = (int) Math.floorMod(latestSlot, (long) slots);
      int seq = SLOT_HEADERS + slot * 16;
      long before = (long) LONGS.getAcquire(map, seq);
      // A newer version's slot (the writer moved on since the version was read) or one being written: again.
      if (latestSlot != slot || (before & 1) != 0 || map.getLong(seq + 8) != version) {
        if (System.nanoTime() - giveUp > 0) {
          return -1;
        }
        Thread.onSpinWait();
        continue;
      }
      List<ByteBuffer> tensors = new ArrayList<>(tensorSizes.length);
      int offset = dataOffset + slot * floats * Float.BYTES;
      for (int size : tensorSizes) {
        tensors.add(map.slice(offset, size * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN));
        offset += size * Float.BYTES;
      }
      load.accept(tensors);
      VarHandle.acquireFence();
      if ((long) LONGS.getAcquire(map, seq) == before) {
        return version;
      }
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private static int align(int bytes) {
    return (bytes + 63) & ~63;
  }
}
