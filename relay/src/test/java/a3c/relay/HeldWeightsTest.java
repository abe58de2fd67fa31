package a3c.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.proto.DType;
import a3c.proto.Tensor;
import a3c.rpc.Tensors;
import a3c.rpc.WeightChanges;
import a3c.rpc.WireDtypes;
import a3c.shm.SharedWeights;
import a3c.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The versions a relay holds, whole or rebuilt from changes, and what its workers read from shared memory. */
class HeldWeightsTest {
  private static final long STORE = 42;

  @TempDir Path shm;

  /** Version {@code v}: 256 bfloat16 weights, of which every seventh moves by one step per version. */
  private static List<Tensor> version(int v) {
    float[] values = new float[256];
    for (int i = 0; i < values.length; i++) {
      values[i] = 0.25f + i / 1024f + (i % 7 == 0 ? v / 64f : 0f);
    }
    return List.of(WireDtypes.as(Tensors.encode("w", new long[] {16, 16}, values, 0, values.length), DType.DTYPE_BFLOAT16));
  }

  private static List<Tensor> changes(int from, int to) {
    List<Tensor> changes = WeightChanges.since(version(from), version(to));
    assertTrue(WeightChanges.carriesChanges(changes.getFirst()));
    return changes;
  }

  /** What a worker of the host reads from the shared-memory file. */
  private float[] shared() throws Exception {
    float[] values = new float[256];
    try (SharedWeights file = SharedWeights.open(shm, values.length)) {
      assertTrue(file.read(new int[] {values.length}, tensors -> tensors.getFirst().asFloatBuffer().get(values)) >= 0);
    }
    return values;
  }

  @Test
  void withNoRoomForTheWeightsFile_theVersionsAreHeldStill_forWorkersThatFetchThemOverGrpc() throws Exception {
    // One page: the file of four 1-KB slots and their headers does not fit.
    try (Tmpfs full = Tmpfs.mount(shm.resolve("small"), "4k");
        HeldWeights held = new HeldWeights(shm.resolve("small"))) {
      assertTrue(held.offer(1, STORE, null, version(1), true));
      assertTrue(held.offer(2, STORE, 1L, changes(1, 2), false));
      assertEquals(version(2), held.current().weights());
      assertFalse(Files.exists(shm.resolve("small").resolve(SharedWeights.FILE_NAME)), "no part of the file keeps the room");
    }
  }

  @Test
  void changesSinceAVersionKept_rebuildTheNextOne_whichTheWorkersRead() throws Exception {
    try (HeldWeights held = new HeldWeights(shm)) {
      assertNull(held.base());
      assertTrue(held.offer(1, STORE, null, version(1), true));
      assertTrue(held.offer(2, STORE, 1L, changes(1, 2), false));
      assertEquals(2, held.current().version());
      assertEquals(version(2), held.current().weights());
      assertEquals(2, held.base().version());
      assertArrayEquals(Tensors.toArray(WireDtypes.as(version(2).getFirst(), DType.DTYPE_FLOAT32)), shared());
      // A reply overtaken by a newer one is dropped; changes since an older version kept still apply.
      assertFalse(held.offer(2, STORE, 1L, changes(1, 2), false));
      assertTrue(held.offer(4, STORE, 1L, changes(1, 4), false));
      assertEquals(version(4), held.current().weights());
    }
  }

  @Test
  void changesSinceAVersionNotKept_orOfAnotherStore_areNotHeld() throws Exception {
    try (HeldWeights held = new HeldWeights(shm)) {
      held.offer(1, STORE, null, version(1), true);
      assertFalse(held.offer(3, STORE, 2L, changes(2, 3), false));
      assertFalse(held.offer(2, STORE + 1, 1L, changes(1, 2), false));
      assertEquals(1, held.current().version());
      // A server restarted counts in another store: what the host kept from the old one is let go.
      assertTrue(held.offer(1, STORE + 1, null, version(5), true));
      assertEquals(STORE + 1, held.base().store());
      assertFalse(held.offer(2, STORE, 1L, changes(1, 2), false));
      for (int v = 2; v <= 12; v++) {
        held.offer(v, STORE + 1, null, version(v), false);
      }
      assertFalse(held.offer(13, STORE + 1, 2L, changes(2, 13), false), "version 2 was let go: 8 versions are kept");
      assertTrue(held.offer(13, STORE + 1, 5L, changes(5, 13), false));
    }
  }

  @Test
  void weightsOfUnknownStore_orInFloat32_areHeldButNotKeptToCountChangesFrom() throws Exception {
    try (HeldWeights held = new HeldWeights(shm)) {
      held.offer(0, 0, null, version(0), true);
      assertNull(held.base());
      held.offer(1, STORE, null, WireDtypes.as(version(1), DType.DTYPE_FLOAT32), true);
      assertEquals(1, held.current().version());
      assertNull(held.base());
    }
  }

  @Test
  void changesThatDoNotFitTheVersionTheyAreCountedFrom_areRefused() throws Exception {
    try (HeldWeights held = new HeldWeights(shm)) {
      held.offer(1, STORE, null, version(1), true);
      List<Tensor> renamed = List.of(changes(1, 2).getFirst().toBuilder().setName("v").build());
      assertThrows(IllegalArgumentException.class, () -> held.offer(2, STORE, 1L, renamed, false));
      assertEquals(1, held.current().version());
    }
  }
}
