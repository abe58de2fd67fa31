package a3c.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.tensorboard.EventReader.Event;
import a3c.tensorboard.EventReader.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventWriterTest {
  private static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochSecond(1_700_000_000L, 250_000_000));

  @TempDir Path folder;

  private Path writeThreeScalars() throws IOException {
    try (EventWriter writer = EventWriter.create(folder, "host-a", CLOCK)) {
      writer.scalar("losses/value_loss", 0.25f, 10, 1_700_000_001.5);
      writer.scalar("losses/value_loss", 0f, 20, 1_700_000_002.5);
      writer.scalar("charts/score", -21f, 20, 1_700_000_002.75);
      return writer.file();
    }
  }

  private static void flipByte(Path file, int position) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[position] ^= 0x40;
    Files.write(file, bytes);
  }

  /** Byte offset where record {@code index} starts, found by walking the length prefixes. */
  private static int recordStart(byte[] bytes, int index) {
    int position = 0;
    for (int i = 0; i < index; i++) {
      int length = ByteBuffer.wrap(bytes, position, 8).order(ByteOrder.LITTLE_ENDIAN).getInt();
      position += TfRecords.HEADER_BYTES + length + TfRecords.FOOTER_BYTES;
    }
    return position;
  }

  @Test
  void create_namesFileBySecondsAndHostAndWritesFileVersionFirst() throws IOException {
    Path logDir = folder.resolve("runs/pong/seed-1");
    try (EventWriter writer = EventWriter.create(logDir, "host-a", CLOCK)) {
      assertEquals(logDir.resolve("events.out.tfevents.1700000000.host-a"), writer.file());
      // Readable before close: the file_version event is flushed at once.
      assertEquals(List.of(new Event(1_700_000_000.25, 0, "brain.Event:2", List.of())), EventReader.read(writer.file()));
    }
  }

  @Test
  void scalar_roundTrip_readsBackTagsValuesStepsAndWallTimes() throws IOException {
    List<Event> events = EventReader.read(writeThreeScalars());
    assertEquals(List.of(
        new Event(1_700_000_000.25, 0, "brain.Event:2", List.of()),
        new Event(1_700_000_001.5, 10, null, List.of(new Value("losses/value_loss", 0.25f))),
        new Event(1_700_000_002.5, 20, null, List.of(new Value("losses/value_loss", 0f))),
        new Event(1_700_000_002.75, 20, null, List.of(new Value("charts/score", -21f)))), events);
  }

  @Test
  void flush_makesScalarsVisibleBeforeClose() throws IOException {
    try (EventWriter writer = EventWriter.create(folder, "host-a", CLOCK)) {
      writer.scalar("charts/SPS", 1234.5f, 1, 1_700_000_001);
      writer.flush();
      List<Event> events = EventReader.read(writer.file());
      assertEquals(List.of(new Value("charts/SPS", 1234.5f)), events.get(1).values());
    }
  }

  @Test
  void scalar_concurrentWriters_everyRecordIntact() throws Exception {
    int threads = 4;
    int perThread = 500;
    Path file;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (EventWriter writer = EventWriter.create(folder, "host-a", CLOCK)) {
      file = writer.file();
      Future<?>[] done = new Future<?>[threads];
      for (int t = 0; t < threads; t++) {
        String tag = "worker" + t + "/score";
        done[t] = pool.submit(() -> {
          for (int step = 0; step < perThread; step++) {
            writer.scalar(tag, step, step, step);
          }
        });
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<Event> events = EventReader.read(file);
    assertEquals(1 + threads * perThread, events.size());
    Set<String> seen = new HashSet<>();
    for (Event event : events.subList(1, events.size())) {
      Value value = event.values().getFirst();
      assertEquals(event.step(), (long) value.simpleValue());
      assertTrue(seen.add(value.tag() + "@" + event.step()), "duplicate " + value.tag() + "@" + event.step());
    }
  }

  @Test
  void read_corruptedDataByte_namesFileAndRecord() throws IOException {
    Path file = writeThreeScalars();
    int record2 = recordStart(Files.readAllBytes(file), 2);
    flipByte(file, record2 + TfRecords.HEADER_BYTES + 3);
    IOException e = assertThrows(IOException.class, () -> EventReader.read(file));
    assertTrue(e.getMessage().startsWith(file + ": record 2: data CRC mismatch"), e.getMessage());
  }

  @Test
  void read_corruptedLengthByte_namesFileAndRecord() throws IOException {
    Path file = writeThreeScalars();
    flipByte(file, recordStart(Files.readAllBytes(file), 1));
    IOException e = assertThrows(IOException.class, () -> EventReader.read(file));
    assertTrue(e.getMessage().startsWith(file + ": record 1: length CRC mismatch"), e.getMessage());
  }

  @Test
  void read_truncatedFile_namesFileAndRecord() throws IOException {
    Path file = writeThreeScalars();
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));
    IOException e = assertThrows(IOException.class, () -> EventReader.read(file));
    assertTrue(e.getMessage().startsWith(file + ": record 3: truncated data"), e.getMessage());

    Files.write(file, Arrays.copyOf(bytes, recordStart(bytes, 3) + 5));
    e = assertThrows(IOException.class, () -> EventReader.read(file));
    assertTrue(e.getMessage().startsWith(file + ": record 3: truncated header"), e.getMessage());
  }

  @Test
  void create_sameSecondAndHost_refusesToClobber() throws IOException {
    try (EventWriter first = EventWriter.create(folder, "host-a", CLOCK)) {
      assertThrows(FileAlreadyExistsException.class, () -> EventWriter.create(folder, "host-a", CLOCK));
    }
  }

  @Test
  void create_hostnameWithSeparator_rejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventWriter.create(folder, "a/b"));
    assertTrue(e.getMessage().contains("'a/b'"), e.getMessage());
  }

  @Test
  void scalar_afterClose_rejectedNamingFile() throws IOException {
    EventWriter writer = EventWriter.create(folder, "host-a", CLOCK);
    writer.close();
    writer.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.scalar("x", 1f, 1, 1));
    assertTrue(e.getMessage().contains(writer.file().toString()), e.getMessage());
  }

  @Test
  void scalar_emptyTag_rejected() throws IOException {
    try (EventWriter writer = EventWriter.create(folder, "host-a", CLOCK)) {
      assertThrows(IllegalArgumentException.class, () -> writer.scalar("", 1f, 1, 1));
    }
  }
}
