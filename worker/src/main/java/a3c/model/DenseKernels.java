package a3c.model;

import static a3c.model.AtariKernel.HIDDEN;
import static a3c.model.AtariKernel.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The dense and LSTM layers' loops: a row-major matrix times a vector, four rows at a time
 * (forward), and over a rollout's steps the sums of outer products (weight gradients) and the
 * products with the transposed matrix (input gradients), in blocks of registers.
 */
final class DenseKernels {
  private DenseKernels() {}

  /**
   * {@code target[r][k] = sum_t left[t][r] * right[t][k]} for a {@code rows} x {@code cols} matrix:
   * four rows and sixteen columns at a time, held in registers across the steps.
   */
  static void outerSum(float[] target, int rows, int cols, float[][] left, float[][] right, int steps) {
    for (int r = 0; r < rows; r += 4) {
      for (int k = 0; k < cols; k += 16) {
        FloatVector a0 = FloatVector.zero(LANES), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        for (int t = 0; t < steps; t++) {
          float[] x = right[t];
          float[] y = left[t];
          FloatVector xa = FloatVector.fromArray(LANES, x, k);
          FloatVector xb = FloatVector.fromArray(LANES, x, k + 8);
          FloatVector y0 = FloatVector.broadcast(LANES, y[r]);
          FloatVector y1 = FloatVector.broadcast(LANES, y[r + 1]);
          FloatVector y2 = FloatVector.broadcast(LANES, y[r + 2]);
          FloatVector y3 = FloatVector.broadcast(LANES, y[r + 3]);
          a0 = xa.fma(y0, a0);
          b0 = xb.fma(y0, b0);
          a1 = xa.fma(y1, a1);
          b1 = xb.fma(y1, b1);
          a2 = xa.fma(y2, a2);
          b2 = xb.fma(y2, b2);
          a3 = xa.fma(y3, a3);
          b3 = xb.fma(y3, b3);
        }
        int o = r * cols + k;
        a0.intoArray(target, o);
        b0.intoArray(target, o + 8);
        a1.intoArray(target, o + cols);
        b1.intoArray(target, o + cols + 8);
        a2.intoArray(target, o + 2 * cols);
        b2.intoArray(target, o + 2 * cols + 8);
        a3.intoArray(target, o + 3 * cols);
        b3.intoArray(target, o + 3 * cols + 8);
      }
    }
  }

  /**
   * {@code out[t][k] = sum_r w[r][k] * dy[t][r]}: the gradient of a dense layer's input. Four steps
   * and sixteen columns at a time, so that the weights stream through once per four steps; the
   * padding rows of {@code dy} past {@code steps} are zero.
   */
  static void transposedProducts(float[] w, int rows, int cols, float[][] dy, float[][] out, int steps) {
    for (int t = 0; t < steps; t += 4) {
      float[] y0 = dy[t], y1 = dy[t + 1], y2 = dy[t + 2], y3 = dy[t + 3];
      for (int k = 0; k < cols; k += 16) {
        FloatVector a0 = FloatVector.zero(LANES), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        for (int r = 0, o = k; r < rows; r++, o += cols) {
          FloatVector wa = FloatVector.fromArray(LANES, w, o);
          FloatVector wb = FloatVector.fromArray(LANES, w, o + 8);
          FloatVector s0 = FloatVector.broadcast(LANES, y0[r]);
          FloatVector s1 = FloatVector.broadcast(LANES, y1[r]);
          FloatVector s2 = FloatVector.broadcast(LANES, y2[r]);
          FloatVector s3 = FloatVector.broadcast(LANES, y3[r]);
          a0 = wa.fma(s0, a0);
          b0 = wb.fma(s0, b0);
          a1 = wa.fma(s1, a1);
          b1 = wb.fma(s1, b1);
          a2 = wa.fma(s2, a2);
          b2 = wb.fma(s2, b2);
          a3 = wa.fma(s3, a3);
          b3 = wb.fma(s3, b3);
        }
        a0.intoArray(out[t], k);
        b0.intoArray(out[t], k + 8);
        a1.intoArray(out[t + 1], k);
        b1.intoArray(out[t + 1], k + 8);
        a2.intoArray(out[t + 2], k);
        b2.intoArray(out[t + 2], k + 8);
        a3.intoArray(out[t + 3], k);
        b3.intoArray(out[t + 3], k + 8);
      }
    }
  }

  /** Zeroes the gradient where the ReLU's output was zero. */
  static void reluGradient(float[] gradient, float[] output) {
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] = output[i] > 0f ? gradient[i] : 0f;
    }
  }

  static void sumInto(float[] sum, float[] values) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += values[i];
    }
  }

  /**
   * Rows {@code row..row+3} of the row-major matrix {@code w} (rows of {@code n}) times {@code x}:
   * sets {@code out[row + i]} to the product plus {@code bias}, or adds the product to it.
   */
  static void dot4(float[] w, int row, int n, float[] x, float[] out, float[] bias, boolean accumulate) {
    FloatVector s0 = FloatVector.zero(LANES), s1 = s0, s2 = s0, s3 = s0;
    int r0 = row * n;
    int r1 = r0 + n;
    int r2 = r1 + n;
    int r3 = r2 + n;
    for (int i = 0; i < n; i += LANES.length()) {
      FloatVector xs = FloatVector.fromArray(LANES, x, i);
      s0 = FloatVector.fromArray(LANES, w, r0 + i).fma(xs, s0);
      s1 = FloatVector.fromArray(LANES, w, r1 + i).fma(xs, s1);
      s2 = FloatVector.fromArray(LANES, w, r2 + i).fma(xs, s2);
      s3 = FloatVector.fromArray(LANES, w, r3 + i).fma(xs, s3);
    }
    put(out, row, s0.reduceLanes(VectorOperators.ADD), bias, accumulate);
    put(out, row + 1, s1.reduceLanes(VectorOperators.ADD), bias, accumulate);
    put(out, row + 2, s2.reduceLanes(VectorOperators.ADD), bias, accumulate);
    put(out, row + 3, s3.reduceLanes(VectorOperators.ADD), bias, accumulate);
  }

  private static void put(float[] out, int i, float sum, float[] bias, boolean accumulate) {
    out[i] = accumulate ? out[i] + sum : sum + bias[i];
  }

  /** One row of {@code w}, starting at {@code offset}, times {@code x} (of length {@link AtariKernel#HIDDEN}). */
  static float dot(float[] w, int offset, float[] x) {
    FloatVector sum = FloatVector.zero(LANES);
    for (int i = 0; i < HIDDEN; i += LANES.length()) {
      sum = FloatVector.fromArray(LANES, w, offset + i).fma(FloatVector.fromArray(LANES, x, i), sum);
    }
    return sum.reduceLanes(VectorOperators.ADD);
  }
}
