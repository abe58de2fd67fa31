package a3c.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.optim.OptimizerConfig;
import a3c.optim.OptimizerKind;
import a3c.proto.Checkpoint;
import a3c.proto.EpisodeRecord;
import a3c.store.ParameterStore;
import a3c.store.StoreState;
import a3c.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
  @TempDir Path folder;

  private static StoreState trainedState() {
    try (ParameterStore store = ParameterStore.initialize(
        TestModels.random(TestModels.SMALL_NAMES, TestModels.SMALL_SHAPES, 7, 1f), OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3), 2)) {
      for (int i = 0; i < 3; i++) {
        store.apply(store.decode(TestModels.random(TestModels.SMALL_NAMES, TestModels.SMALL_SHAPES, 10 + i, 1f)), i, 20, 80, null).join();
      }
      return store.capture().join();
    }
  }

  private static Checkpoint checkpoint(StoreState state) {
    return Checkpoints.fromStore(state)
        .addEpisodes(EpisodeRecord.newBuilder().setWorkerId("w0").setScore(-21).setLength(812).setGlobalStep(40).build())
        .build();
  }

  @Test
  void roundTrip_restoresWeightsOptimizerStateAndCounters() throws IOException {
    StoreState state = trainedState();
    Path file = folder.resolve("one.a3c");
    CheckpointFile.write(file, checkpoint(state));
    Checkpoint read = CheckpointFile.read(file);
    StoreState restored = Checkpoints.toStore(file, read);
    assertArrayEquals(state.weights(), restored.weights(), 0f);
    assertArrayEquals(state.optimizer().steps(), restored.optimizer().steps());
    assertArrayEquals(state.optimizer().firstMoment(), restored.optimizer().firstMoment(), 0f);
    assertArrayEquals(state.optimizer().secondMoment(), restored.optimizer().secondMoment(), 0f);
    assertEquals(3, restored.version());
    assertEquals(60, restored.globalStep());
    assertEquals(240, restored.frames());
    assertEquals(-21, read.getEpisodes(0).getScore());
    assertEquals(List.of(), Files.list(folder).filter(p -> p.toString().endsWith(".tmp")).toList(), "no temp file left");
  }

  @Test
  void truncatedFile_isRejectedWithItsName() throws IOException {
    Path file = folder.resolve("cut.a3c");
    CheckpointFile.write(file, checkpoint(trainedState()));
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
    CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(file));
    assertTrue(e.getMessage().startsWith("checkpoint " + file + " is truncated: the header announces"), e.getMessage());
    Files.write(file, Arrays.copyOf(bytes, 5));
    assertTrue(assertThrows(CheckpointException.class, () -> CheckpointFile.read(file)).getMessage()
        .contains("is truncated: 5 bytes, shorter than the 20-byte header"));
  }

  @Test
  void corruptFile_failsTheChecksum() throws IOException {
    Path file = folder.resolve("flipped.a3c");
    CheckpointFile.write(file, checkpoint(trainedState()));
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(file, bytes);
    CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(file));
    assertTrue(e.getMessage().matches("checkpoint .*flipped.a3c is corrupt: CRC32C of the payload is [0-9a-f]{8}, the header says [0-9a-f]{8}"),
        e.getMessage());
  }

  @Test
  void otherFiles_areNotCheckpoints() throws IOException {
    Path file = folder.resolve("notes.txt");
    Files.writeString(file, "this is not a checkpoint at all");
    assertEquals("checkpoint " + file + " is not an a3c-java checkpoint (it does not start with A3CCKPT1)",
        assertThrows(CheckpointException.class, () -> CheckpointFile.read(file)).getMessage());
    Path missing = folder.resolve("missing.a3c");
    assertTrue(assertThrows(CheckpointException.class, () -> CheckpointFile.read(missing)).getMessage()
        .startsWith("checkpoint " + missing + " cannot be read"));
  }

  @Test
  void inconsistentContent_isRejected() throws IOException {
    Path file = folder.resolve("odd.a3c");
    Checkpoint odd = checkpoint(trainedState()).toBuilder().setOptimizer(a3c.proto.OptimizerState.newBuilder().setKind("adam")).build();
    CheckpointFile.write(file, odd);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.toStore(file, CheckpointFile.read(file)));
    assertEquals("checkpoint " + file + " is inconsistent: its optimizer state covers 0 tensors, its model 2", e.getMessage());
  }

  @Test
  void folder_numbersFiles_keepsTheLastK_andLoadsTheNewestReadable() throws IOException {
    CheckpointFolder checkpoints = new CheckpointFolder(folder, 2);
    Checkpoint checkpoint = checkpoint(trainedState());
    Path first = checkpoints.save(checkpoint);
    Path second = checkpoints.save(checkpoint.toBuilder().setGlobalStep(100).build());
    Path third = checkpoints.save(checkpoint.toBuilder().setGlobalStep(200).build());
    assertEquals("checkpoint-000001.a3c", first.getFileName().toString());
    assertEquals(List.of(second, third), CheckpointFolder.list(folder));
    assertEquals(200, CheckpointFolder.load(folder).checkpoint().getGlobalStep());
    Files.write(third, new byte[] {1, 2, 3});
    CheckpointFolder.Loaded loaded = CheckpointFolder.load(folder);
    assertEquals(second, loaded.file());
    assertEquals(100, loaded.checkpoint().getGlobalStep());
    assertThrows(CheckpointException.class, () -> CheckpointFolder.load(third));
  }

  @Test
  void folder_skipsANewerFileWhoseCrcIsGoodButWhoseContentIsNot() throws IOException {
    CheckpointFolder checkpoints = new CheckpointFolder(folder, 3);
    Checkpoint checkpoint = checkpoint(trainedState());
    Path good = checkpoints.save(checkpoint);
    Path future = checkpoints.save(checkpoint.toBuilder().setFormatVersion(Checkpoints.FORMAT_VERSION + 1).build());
    CheckpointFolder.Loaded loaded = CheckpointFolder.load(folder);
    assertEquals(good, loaded.file());
    assertEquals(60, loaded.state().globalStep());
    assertEquals("checkpoint " + future + " has format version 2; this build reads version 1",
        assertThrows(CheckpointException.class, () -> CheckpointFolder.load(future)).getMessage());
  }
}
