package a3c.env.atari;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AreaResizeTest {

  @Test
  void fiveToTwo_weighsThePartlyCoveredMiddlePixelByHalf() {
    // Cells are 2.5 pixels wide: out0 = (s0 + s1 + s2 / 2) / 2.5, out1 = (s2 / 2 + s3 + s4) / 2.5.
    float[] dst = new float[2];
    new AreaResize(5, 1, 2, 1).resize(new float[] {10, 20, 30, 40, 50}, dst);
    assertArrayEquals(new float[] {18f, 42f}, dst, 1e-5f);
  }

  @Test
  void fiveToTwo_alongColumnsToo() {
    float[] dst = new float[2];
    new AreaResize(1, 5, 1, 2).resize(new float[] {10, 20, 30, 40, 50}, dst);
    assertArrayEquals(new float[] {18f, 42f}, dst, 1e-5f);
  }

  @Test
  void integerRatio_averagesBlocks() {
    float[] src = {
      1, 2, 3, 4,
      5, 6, 7, 8,
      9, 10, 11, 12,
      13, 14, 15, 16,
    };
    float[] dst = new float[4];
    new AreaResize(4, 4, 2, 2).resize(src, dst);
    assertArrayEquals(new float[] {3.5f, 5.5f, 11.5f, 13.5f}, dst, 1e-5f);
  }

  @Test
  void sameSize_copies() {
    float[] src = {3, 1, 4, 1, 5, 9};
    float[] dst = new float[6];
    new AreaResize(3, 2, 3, 2).resize(src, dst);
    assertArrayEquals(src, dst);
  }

  @Test
  void atariRows_210to110_matchHandComputedCells() {
    // One column of 210 rows holding 0, 1, 2, ...; pixel i covers [i, i + 1), and output row d
    // is the mean over [d * 21/11, (d + 1) * 21/11) of the covered pixels' values.
    float[] src = new float[210];
    for (int i = 0; i < src.length; i++) {
      src[i] = i;
    }
    float[] dst = new float[110];
    new AreaResize(1, 210, 1, 110).resize(src, dst);
    double cell = 210.0 / 110;
    for (int d = 0; d < 110; d++) {
      double from = d * cell;
      double to = from + cell;
      double integral = 0;
      for (int i = (int) Math.floor(from); i < to; i++) {
        integral += i * (Math.min(to, i + 1) - Math.max(from, i));
      }
      assertEquals(integral / cell, dst[d], 1e-3, "row " + d);
    }
    // Row 1 spans [1.909, 3.818): 0.0909 of pixel 1, all of pixel 2, 0.818 of pixel 3.
    assertEquals((1 * 0.0909090909 + 2 + 3 * 0.8181818182) / cell, dst[1], 1e-4);
  }

  @Test
  void atariColumns_160to84_keepAConstantImageConstant() {
    float[] src = new float[160 * 3];
    java.util.Arrays.fill(src, 77f);
    float[] dst = new float[84 * 3];
    new AreaResize(160, 3, 84, 3).resize(src, dst);
    for (float value : dst) {
      assertEquals(77f, value, 1e-4f);
    }
  }

  @Test
  void weightsOfEachOutputPixelSumToOne() {
    AreaResize.Axis axis = AreaResize.Axis.of(160, 84);
    assertEquals(3, axis.taps(), "a cell 1.9 pixels wide touches at most 3 pixels");
    for (int d = 0; d < 84; d++) {
      double sum = 0;
      for (int k = d * axis.taps(); k < (d + 1) * axis.taps(); k++) {
        sum += axis.weight()[k];
      }
      assertEquals(1.0, sum, 1e-6, "column " + d);
    }
  }

  @Test
  void resizeRows_equalsTheSameRowsOfTheFullResize() {
    float[] src = new float[210 * 160];
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (int i = 0; i < src.length; i++) {
      src[i] = random.nextInt(256) * 0.587f;
    }
    AreaResize resize = new AreaResize(160, 210, 84, 110);
    float[] full = new float[110 * 84];
    resize.resize(src, full);
    float[] kept = new float[84 * 84];
    new AreaResize(160, 210, 84, 110).resizeRows(src, 18, 84, kept);
    assertArrayEquals(java.util.Arrays.copyOfRange(full, 18 * 84, 102 * 84), kept);
    assertEquals(34, resize.firstSourceRow(18));
    assertEquals(195, resize.endSourceRow(102));
  }

  @Test
  void upscaling_rejected() {
    assertThrows(IllegalArgumentException.class, () -> new AreaResize(2, 2, 4, 2));
  }

  @Test
  void wrongBufferLength_rejected() {
    AreaResize resize = new AreaResize(4, 4, 2, 2);
    assertThrows(IllegalArgumentException.class, () -> resize.resize(new float[15], new float[4]));
  }
}
