package a3c.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.proto.DType;
import a3c.proto.Tensor;
import com.google.protobuf.ByteString;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Weights sent as their changes since a version held, rebuilt against the whole weights, bit for bit. */
class WeightChangesTest {
  /** Weights of about 0.05, and the same after an Adam-sized step of each one, in {@code wire}. */
  private static List<Tensor> versions(int numel, double moved, DType wire, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] before = new float[numel];
    float[] after = new float[numel];
    for (int i = 0; i < numel; i++) {
      before[i] = (float) ((random.nextDouble() - 0.5) * 0.1);
      after[i] = random.nextDouble() < moved ? before[i] + (float) ((random.nextDouble() - 0.5) * 2e-3) : before[i];
    }
    long[] shape = {numel};
    return List.of(WireDtypes.as(Tensors.encode("t", shape, before, 0, numel), wire),
        WireDtypes.as(Tensors.encode("t", shape, after, 0, numel), wire));
  }

  private static int differing(Tensor a, Tensor b, int width) {
    int count = 0;
    for (int i = 0; i < a.getData().size(); i += width) {
      if (!a.getData().substring(i, i + width).equals(b.getData().substring(i, i + width))) {
        count++;
      }
    }
    return count;
  }

  @ParameterizedTest(name = "{0} values, {1} moved, {2}")
  @CsvSource({"1, 1.0, DTYPE_BFLOAT16", "7, 0.5, DTYPE_BFLOAT16", "15, 0.3, DTYPE_FLOAT32", "16, 0.0, DTYPE_BFLOAT16",
      "17, 0.2, DTYPE_BFLOAT16", "4095, 0.1, DTYPE_BFLOAT16", "4096, 0.06, DTYPE_BFLOAT16", "4097, 0.06, DTYPE_FLOAT32",
      "10001, 0.5, DTYPE_BFLOAT16", "663552, 0.3, DTYPE_BFLOAT16", "663552, 0.02, DTYPE_FLOAT32",
      "5000, 1.0, DTYPE_FLOAT32"})
  void changes_rebuildTheNewVersion_bitForBit_andShrinkWhenTheyCan(int numel, double moved, DType wire) {
    List<Tensor> versions = versions(numel, moved, wire, numel * 17L + (long) (moved * 100));
    Tensor base = versions.get(0);
    Tensor now = versions.get(1);
    Tensor changes = WeightChanges.since(List.of(base), List.of(now)).getFirst();
    int width = WireDtypes.bytesPerValue(wire);
    int differing = differing(base, now, width);
    boolean smaller = (long) differing * width + (numel + 7) / 8 < (long) numel * width;
    assertEquals(smaller, WeightChanges.carriesChanges(changes), "changes travel exactly when that is smaller");
    assertEquals(smaller ? (long) differing * width : (long) numel * width, changes.getData().size());

    Tensor rebuilt = WeightChanges.apply(List.of(base), List.of(changes)).getFirst();
    assertEquals(now, rebuilt);
    assertFalse(WeightChanges.carriesChanges(rebuilt));
  }

  /** The changed values are gathered in a buffer each thread reuses: a reply must keep a copy of its own. */
  @Test
  void changesCountedEarlier_stayAsTheyWere_afterOthersAreCounted() {
    List<Tensor> first = versions(9000, 0.1, DType.DTYPE_BFLOAT16, 11);
    List<Tensor> second = versions(9000, 0.1, DType.DTYPE_BFLOAT16, 12);
    Tensor firstChanges = WeightChanges.since(List.of(first.get(0)), List.of(first.get(1))).getFirst();
    Tensor copy = Tensor.newBuilder(firstChanges).setData(ByteString.copyFrom(firstChanges.getData().toByteArray())).build();
    WeightChanges.since(List.of(second.get(0)), List.of(second.get(1)));
    assertEquals(copy, firstChanges);
    assertEquals(first.get(1), WeightChanges.apply(List.of(first.get(0)), List.of(firstChanges)).getFirst());
  }

  @Test
  void changesInsideALargerBuffer_asAParsedMessageHoldsThem_rebuildTheSame() throws Exception {
    List<Tensor> versions = versions(5003, 0.1, DType.DTYPE_BFLOAT16, 5);
    Tensor changes = WeightChanges.since(List.of(versions.get(0)), List.of(versions.get(1))).getFirst();
    Tensor parsed = Tensor.parseFrom(changes.toByteString());
    assertTrue(WeightChanges.carriesChanges(parsed));
    assertEquals(versions.get(1), WeightChanges.apply(List.of(versions.get(0)), List.of(parsed)).getFirst());
  }

  @Test
  void aSignFlipOrANaNPayload_isAChange_thoughTheFloatsCompareEqual() {
    Tensor base = Tensors.encode("t", new long[] {16}, new float[16], 0, 16);
    float[] after = new float[16];
    after[3] = -0f;
    Tensor now = Tensors.encode("t", new long[] {16}, after, 0, 16);
    Tensor changes = WeightChanges.since(List.of(base), List.of(now)).getFirst();
    assertTrue(WeightChanges.carriesChanges(changes));
    assertEquals(Float.BYTES, changes.getData().size());
    assertEquals(now, WeightChanges.apply(List.of(base), List.of(changes)).getFirst());
  }

  @Test
  void changesThatDoNotFitTheTensorHeld_areRefused_namingIt() {
    List<Tensor> versions = versions(20, 0.2, DType.DTYPE_BFLOAT16, 3);
    Tensor base = versions.get(0);
    Tensor changes = WeightChanges.since(List.of(base), List.of(versions.get(1))).getFirst();
    assertTrue(WeightChanges.carriesChanges(changes));

    Tensor otherName = base.toBuilder().setName("u").build();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> WeightChanges.apply(List.of(otherName), List.of(changes)))
        .getMessage().contains("do not fit the tensor held"));
    Tensor float32 = WireDtypes.as(base, DType.DTYPE_FLOAT32);
    assertThrows(IllegalArgumentException.class, () -> WeightChanges.apply(List.of(float32), List.of(changes)));

    Tensor shortBitmap = changes.toBuilder().setChanged(changes.getChanged().substring(0, 2)).build();
    assertEquals("tensor 't' of 20 values has a changed bitmap of 2 bytes, not 3",
        assertThrows(IllegalArgumentException.class, () -> WeightChanges.apply(List.of(base), List.of(shortBitmap))).getMessage());
    byte[] stray = changes.getChanged().toByteArray();
    stray[2] |= (byte) 0x80;
    Tensor strayBit = changes.toBuilder().setChanged(ByteString.copyFrom(stray)).build();
    assertEquals("tensor 't' has changed bits beyond its 20 values",
        assertThrows(IllegalArgumentException.class, () -> WeightChanges.apply(List.of(base), List.of(strayBit))).getMessage());
    Tensor missingValue = changes.toBuilder().setData(changes.getData().substring(2)).build();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> WeightChanges.apply(List.of(base), List.of(missingValue)))
        .getMessage().startsWith("tensor 't' marks "));
    assertThrows(IllegalArgumentException.class, () -> WeightChanges.apply(List.of(base, base), List.of(changes)));
  }

  @Test
  void aTensorOfChanges_isNoWholeTensor_forAnyoneElse() {
    List<Tensor> versions = versions(64, 0.1, DType.DTYPE_BFLOAT16, 9);
    Tensor changes = WeightChanges.since(List.of(versions.get(0)), List.of(versions.get(1))).getFirst();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> WireDtypes.as(changes, DType.DTYPE_FLOAT32))
        .getMessage().contains("carries only its changes"));
    assertThrows(IllegalArgumentException.class, () -> WireDtypes.as(List.of(changes), DType.DTYPE_BFLOAT16));
    assertThrows(IllegalArgumentException.class, () -> WireDtypes.decode(changes, new float[64], 0));
  }
}
