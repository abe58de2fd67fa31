package a3c.model;

import static a3c.model.AtariKernel.FILTERS1;
import static a3c.model.AtariKernel.FILTERS2;
import static a3c.model.AtariKernel.FRAMES;
import static a3c.model.AtariKernel.KERNEL1;
import static a3c.model.AtariKernel.KERNEL2;
import static a3c.model.AtariKernel.LANES;
import static a3c.model.AtariKernel.OUT1;
import static a3c.model.AtariKernel.OUT2;
import static a3c.model.AtariKernel.SIZE;

import jdk.incubator.vector.FloatVector;

/**
 * The Atari network's two convolutions with their ReLU, forward, for one observation: the output
 * channels in vector lanes, the sums of several output pixels held in registers so that every
 * weight vector loaded serves them all. conv1's weights as [channel][row][column][filter], conv2's
 * as [row][column][channel][filter] ({@link AtariKernel#load}).
 */
final class Convolutions {
  private Convolutions() {}

  /**
   * conv1 with ReLU: four output pixels of a row at a time, their 16 filters in two vectors each,
   * so that every weight vector loaded serves four pixels.
   */
  static void conv1(float[] weights, float[] bias, float[] x, float[] features1) {
    FloatVector zero = FloatVector.zero(LANES);
    FloatVector biasLow = FloatVector.fromArray(LANES, bias, 0);
    FloatVector biasHigh = FloatVector.fromArray(LANES, bias, 8);
    for (int outRow = 0; outRow < OUT1; outRow++) {
      for (int outColumn = 0; outColumn < OUT1; outColumn += 4) {
        FloatVector low0 = biasLow, high0 = biasHigh, low1 = biasLow, high1 = biasHigh;
        FloatVector low2 = biasLow, high2 = biasHigh, low3 = biasLow, high3 = biasHigh;
        for (int c = 0; c < FRAMES; c++) {
          for (int kernelRow = 0; kernelRow < KERNEL1; kernelRow++) {
            int in = (c * SIZE + outRow * 4 + kernelRow) * SIZE + outColumn * 4;
            int w = (c * KERNEL1 + kernelRow) * KERNEL1 * FILTERS1;
            for (int k = 0; k < KERNEL1; k++) {
              FloatVector low = FloatVector.fromArray(LANES, weights, w + k * FILTERS1);
              FloatVector high = FloatVector.fromArray(LANES, weights, w + k * FILTERS1 + 8);
              FloatVector x0 = FloatVector.broadcast(LANES, x[in + k]);
              FloatVector x1 = FloatVector.broadcast(LANES, x[in + 4 + k]);
              FloatVector x2 = FloatVector.broadcast(LANES, x[in + 8 + k]);
              FloatVector x3 = FloatVector.broadcast(LANES, x[in + 12 + k]);
              low0 = low.fma(x0, low0);
              high0 = high.fma(x0, high0);
              low1 = low.fma(x1, low1);
              high1 = high.fma(x1, high1);
              low2 = low.fma(x2, low2);
              high2 = high.fma(x2, high2);
              low3 = low.fma(x3, low3);
              high3 = high.fma(x3, high3);
            }
          }
        }
        int out = (outRow * OUT1 + outColumn) * FILTERS1;
        low0.max(zero).intoArray(features1, out);
        high0.max(zero).intoArray(features1, out + 8);
        low1.max(zero).intoArray(features1, out + 16);
        high1.max(zero).intoArray(features1, out + 24);
        low2.max(zero).intoArray(features1, out + 32);
        high2.max(zero).intoArray(features1, out + 40);
        low3.max(zero).intoArray(features1, out + 48);
        high3.max(zero).intoArray(features1, out + 56);
      }
    }
  }

  /** conv2 with ReLU: three output pixels at a time, their 32 filters in four vectors each. */
  static void conv2(float[] weights, float[] bias, float[] features1, float[] features2, float[] lanes) {
    FloatVector zero = FloatVector.zero(LANES);
    for (int outRow = 0; outRow < OUT2; outRow++) {
      for (int outColumn = 0; outColumn < OUT2; outColumn += 3) {
        FloatVector a0 = FloatVector.fromArray(LANES, bias, 0);
        FloatVector b0 = FloatVector.fromArray(LANES, bias, 8);
        FloatVector c0 = FloatVector.fromArray(LANES, bias, 16);
        FloatVector d0 = FloatVector.fromArray(LANES, bias, 24);
        FloatVector a1 = a0, b1 = b0, c1 = c0, d1 = d0, a2 = a0, b2 = b0, c2 = c0, d2 = d0;
        for (int kernelRow = 0; kernelRow < KERNEL2; kernelRow++) {
          for (int kernelColumn = 0; kernelColumn < KERNEL2; kernelColumn++) {
            int in = ((2 * outRow + kernelRow) * OUT1 + 2 * outColumn + kernelColumn) * FILTERS1;
            int w = (kernelRow * KERNEL2 + kernelColumn) * FILTERS1 * FILTERS2;
            for (int c = 0; c < FILTERS1; c++, w += FILTERS2) {
              // The three pixels are two columns apart in conv1's output.
              FloatVector x0 = FloatVector.broadcast(LANES, features1[in + c]);
              FloatVector x1 = FloatVector.broadcast(LANES, features1[in + 2 * FILTERS1 + c]);
              FloatVector x2 = FloatVector.broadcast(LANES, features1[in + 4 * FILTERS1 + c]);
              FloatVector v = FloatVector.fromArray(LANES, weights, w);
              a0 = v.fma(x0, a0);
              a1 = v.fma(x1, a1);
              a2 = v.fma(x2, a2);
              v = FloatVector.fromArray(LANES, weights, w + 8);
              b0 = v.fma(x0, b0);
              b1 = v.fma(x1, b1);
              b2 = v.fma(x2, b2);
              v = FloatVector.fromArray(LANES, weights, w + 16);
              c0 = v.fma(x0, c0);
              c1 = v.fma(x1, c1);
              c2 = v.fma(x2, c2);
              v = FloatVector.fromArray(LANES, weights, w + 24);
              d0 = v.fma(x0, d0);
              d1 = v.fma(x1, d1);
              d2 = v.fma(x2, d2);
            }
          }
        }
        int pixel = outRow * OUT2 + outColumn;
        storeFilters(a0.max(zero), 0, pixel, features2, lanes);
        storeFilters(b0.max(zero), 8, pixel, features2, lanes);
        storeFilters(c0.max(zero), 16, pixel, features2, lanes);
        storeFilters(d0.max(zero), 24, pixel, features2, lanes);
        storeFilters(a1.max(zero), 0, pixel + 1, features2, lanes);
        storeFilters(b1.max(zero), 8, pixel + 1, features2, lanes);
        storeFilters(c1.max(zero), 16, pixel + 1, features2, lanes);
        storeFilters(d1.max(zero), 24, pixel + 1, features2, lanes);
        storeFilters(a2.max(zero), 0, pixel + 2, features2, lanes);
        storeFilters(b2.max(zero), 8, pixel + 2, features2, lanes);
        storeFilters(c2.max(zero), 16, pixel + 2, features2, lanes);
        storeFilters(d2.max(zero), 24, pixel + 2, features2, lanes);
      }
    }
  }

  /** Scatters one pixel's filters {@code [first, first + 8)} into the filter-major layout. */
  private static void storeFilters(FloatVector values, int first, int pixel, float[] features2, float[] lanes) {
    values.intoArray(lanes, 0);
    for (int i = 0; i < lanes.length; i++) {
      features2[(first + i) * OUT2 * OUT2 + pixel] = lanes[i];
    }
  }
}
