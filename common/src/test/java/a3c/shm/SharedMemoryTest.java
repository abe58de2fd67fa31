package a3c.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedMemoryTest {
  @TempDir Path folder;

  private static float[] read(SharedWeights weights, int[] sizes, long[] version) {
    List<float[]> parts = new ArrayList<>();
    version[0] = weights.read(sizes, tensors -> {
      parts.clear();
      for (ByteBuffer tensor : tensors) {
        float[] values = new float[tensor.remaining() / 4];
        tensor.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        parts.add(values);
      }
    });
    float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
    int offset = 0;
    for (float[] part : parts) {
      System.arraycopy(part, 0, all, offset, part.length);
      offset += part.length;
    }
    return all;
  }

  @Test
  void weights_readerSeesTheNewestPublishedVersion_splitIntoTensors() throws IOException {
    int[] sizes = {2, 3};
    try (SharedWeights writer = SharedWeights.create(folder, 5, 4); SharedWeights reader = SharedWeights.open(folder, 5)) {
      long[] version = new long[1];
      assertEquals(-1, reader.read(sizes, tensors -> { }));
      for (int v = 0; v < 6; v++) {
        writer.publish(v, new float[] {v, v + 0.5f, -v, 1, 2});
      }
      assertArrayEquals(new float[] {5, 5.5f, -5, 1, 2}, read(reader, sizes, version));
      assertEquals(5, version[0]);
    }
  }

  @Test
  void weights_aReaderRacingTheWriterNeverSeesATornVersion() throws Exception {
    int floats = 100_000;
    int[] sizes = {floats};
    try (SharedWeights writer = SharedWeights.create(folder, floats, 2); SharedWeights reader = SharedWeights.open(folder, floats)) {
      writer.publish(0, new float[floats]);
      CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
        float[] values = new float[floats];
        for (int v = 1; v <= 2000; v++) {
          java.util.Arrays.fill(values, v);
          writer.publish(v, values);
        }
      });
      long[] version = new long[1];
      while (!writing.isDone()) {
        float[] seen = read(reader, sizes, version);
        for (float value : seen) {
          assertEquals(version[0], (long) value, "every value of one read belongs to the version it reports");
        }
      }
      writing.join();
    }
  }

  @Test
  void aVersionThatJumpsBySlotCount_isWrittenBesideTheNewest_soReadersOfItNeverWait() throws IOException {
    try (SharedWeights writer = SharedWeights.create(folder, 3, 4); SharedWeights reader = SharedWeights.open(folder, 3)) {
      writer.publish(0, new float[] {7, 7, 7});
      // A pass over four queued pushes publishes version 4 next: a slot picked by version would be version 0's.
      SharedWeights.Writing writing = writer.begin(4);
      long[] version = new long[1];
      float[] seen = assertTimeoutPreemptively(Duration.ofMillis(500), () -> read(reader, new int[] {3}, version));
      assertEquals(0, version[0]);
      assertArrayEquals(new float[] {7, 7, 7}, seen);
      writing.put(new float[] {9, 9, 9}, 0, 3);
      writing.finish();
      assertArrayEquals(new float[] {9, 9, 9}, read(reader, new int[] {3}, version));
      assertEquals(4, version[0]);
    }
  }

  @Test
  void aRestartedServer_takesOverTheFile_soWorkersMappingsStayLive() throws IOException {
    int[] sizes = {3};
    try (SharedWeights first = SharedWeights.create(folder, 3, 4); SharedWeights reader = SharedWeights.open(folder, 3)) {
      first.publish(40, new float[] {4, 4, 4});
      try (SharedWeights restarted = SharedWeights.create(folder, 3, 4)) {
        // Resumed from an older checkpoint: the version goes back, and the reader follows.
        restarted.publish(30, new float[] {3, 3, 3});
        long[] version = new long[1];
        assertArrayEquals(new float[] {3, 3, 3}, read(reader, sizes, version));
        assertEquals(30, version[0]);
      }
    }
  }

  /**
   * Leaves the sequence number of the slot {@code after} slots past the newest version's odd, as a
   * server SIGKILLed while writing that slot does; returns that slot.
   */
  private int killMidWrite(int after) throws IOException {
    try (FileChannel file = FileChannel.open(folder.resolve(SharedWeights.FILE_NAME), StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      file.read(header, SharedWeights.LATEST_SLOT);
      int slot = (int) ((header.flip().getLong() + after) % 4);
      ByteBuffer sequence = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      file.read(sequence, SharedWeights.SLOT_HEADERS + slot * 16L);
      long odd = sequence.flip().getLong() | 1;
      file.write(sequence.clear().putLong(odd).flip(), SharedWeights.SLOT_HEADERS + slot * 16L);
      return slot;
    }
  }

  @Test
  void aServerKilledMidWrite_leavesNoSlotThatReadersOfItsSuccessorWaitOn() throws IOException {
    int[] sizes = {3};
    try (SharedWeights killed = SharedWeights.create(folder, 3, 4); SharedWeights reader = SharedWeights.open(folder, 3)) {
      for (int v = 0; v < 6; v++) {
        killed.publish(v, new float[] {v, v, v});
      }
      int killedIn = killMidWrite(1);
      try (SharedWeights restarted = SharedWeights.create(folder, 3, 4)) {
        long[] version = new long[1];
        for (int v = 3; v < 11; v++) {
          restarted.publish(v, new float[] {-v, -v, -v});
          float[] seen = assertTimeoutPreemptively(Duration.ofMillis(500), () -> read(reader, sizes, version),
              "version " + v + ", with slot " + killedIn + " left mid-write");
          assertEquals(v, version[0]);
          assertArrayEquals(new float[] {-v, -v, -v}, seen);
        }
      }
    }
  }

  @Test
  void read_givesUp_whenTheNewestSlotNeverSettles() throws IOException {
    try (SharedWeights writer = SharedWeights.create(folder, 3, 4); SharedWeights reader = SharedWeights.open(folder, 3)) {
      writer.publish(5, new float[] {5, 5, 5});
      killMidWrite(0);
      long start = System.nanoTime();
      long version = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> reader.read(new int[] {3}, tensors -> { }));
      assertEquals(-1, version);
      assertTrue(System.nanoTime() - start >= SharedWeights.READ_PATIENCE_NANOS, "it waited for the writer first");
    }
  }

  @Test
  void open_checksTheFileAndTheModelSize() throws IOException {
    assertThrows(IOException.class, () -> SharedWeights.open(folder, 5));
    try (SharedWeights writer = SharedWeights.create(folder, 5, 4)) {
      assertThrows(IOException.class, () -> SharedWeights.open(folder, 6));
    }
  }

  @Test
  void gradients_roundTrip_andBadNamesAndSizesAreRejected() throws IOException {
    try (SharedGradients worker = SharedGradients.create(folder, "worker-0", 5)) {
      ByteBuffer a = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(2);
      ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(3).putFloat(4).putFloat(5);
      worker.write(List.of(a, b));
      try (SharedGradients server = SharedGradients.open(folder, worker.name(), 5)) {
        float[] values = new float[5];
        server.values().asFloatBuffer().get(values);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5}, values);
      }
      assertThrows(IllegalArgumentException.class, () -> SharedGradients.open(folder, worker.name(), 6));
    }
    assertThrows(IllegalArgumentException.class, () -> SharedGradients.open(folder, "../etc/passwd", 5));
    assertThrows(IllegalArgumentException.class, () -> SharedGradients.fileName("a/b"));
  }
}
