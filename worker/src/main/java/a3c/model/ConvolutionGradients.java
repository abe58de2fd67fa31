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

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The backward pass through the Atari network's convolutions over a rollout's steps, with the
 * register blocking of their forward passes ({@link Convolutions}): the weight gradients, summed
 * over every output pixel of every step, and the gradient of conv1's output from conv2's.
 */
final class ConvolutionGradients {
  private ConvolutionGradients() {}

  /**
   * conv2's weight gradient as [row][column][channel][filter]: per kernel position, two channels at a
   * time, their 32 filters in four vectors each, summed over every output pixel of every step.
   */
  static void conv2Weights(float[] target, float[][] features1, float[][] pixels2, int steps) {
    for (int k = 0; k < KERNEL2 * KERNEL2; k++) {
      int kernelRow = k / KERNEL2;
      int kernelColumn = k % KERNEL2;
      for (int c = 0; c < FILTERS1; c += 2) {
        FloatVector a0 = FloatVector.zero(LANES), b0 = a0, c0 = a0, d0 = a0, a1 = a0, b1 = a0, c1 = a0, d1 = a0;
        for (int t = 0; t < steps; t++) {
          float[] input = features1[t];
          float[] pixels = pixels2[t];
          for (int outRow = 0; outRow < OUT2; outRow++) {
            for (int outColumn = 0; outColumn < OUT2; outColumn++) {
              int in = ((2 * outRow + kernelRow) * OUT1 + 2 * outColumn + kernelColumn) * FILTERS1 + c;
              int d = (outRow * OUT2 + outColumn) * FILTERS2;
              FloatVector x0 = FloatVector.broadcast(LANES, input[in]);
              FloatVector x1 = FloatVector.broadcast(LANES, input[in + 1]);
              FloatVector v = FloatVector.fromArray(LANES, pixels, d);
              a0 = v.fma(x0, a0);
              a1 = v.fma(x1, a1);
              v = FloatVector.fromArray(LANES, pixels, d + 8);
              b0 = v.fma(x0, b0);
              b1 = v.fma(x1, b1);
              v = FloatVector.fromArray(LANES, pixels, d + 16);
              c0 = v.fma(x0, c0);
              c1 = v.fma(x1, c1);
              v = FloatVector.fromArray(LANES, pixels, d + 24);
              d0 = v.fma(x0, d0);
              d1 = v.fma(x1, d1);
            }
          }
        }
        int w = (k * FILTERS1 + c) * FILTERS2;
        a0.intoArray(target, w);
        b0.intoArray(target, w + 8);
        c0.intoArray(target, w + 16);
        d0.intoArray(target, w + 24);
        a1.intoArray(target, w + FILTERS2);
        b1.intoArray(target, w + FILTERS2 + 8);
        c1.intoArray(target, w + FILTERS2 + 16);
        d1.intoArray(target, w + FILTERS2 + 24);
      }
    }
  }

  /**
   * The gradient of conv1's output ([row][column][channel]) from conv2's pre-activation gradient
   * ([pixel][filter]): three output pixels of a row at a time, the 16 channels in two vectors each.
   */
  static void conv2Input(float[] weightsByFilter, float[] pixels, float[] into) {
    Arrays.fill(into, 0f);
    for (int outRow = 0; outRow < OUT2; outRow++) {
      for (int outColumn = 0; outColumn < OUT2; outColumn += 3) {
        int d = (outRow * OUT2 + outColumn) * FILTERS2;
        for (int k = 0; k < KERNEL2 * KERNEL2; k++) {
          int kernelRow = k / KERNEL2;
          int kernelColumn = k % KERNEL2;
          FloatVector low0 = FloatVector.zero(LANES), high0 = low0, low1 = low0, high1 = low0, low2 = low0, high2 = low0;
          int w = k * FILTERS2 * FILTERS1;
          for (int f = 0; f < FILTERS2; f++, w += FILTERS1) {
            FloatVector low = FloatVector.fromArray(LANES, weightsByFilter, w);
            FloatVector high = FloatVector.fromArray(LANES, weightsByFilter, w + 8);
            FloatVector d0 = FloatVector.broadcast(LANES, pixels[d + f]);
            FloatVector d1 = FloatVector.broadcast(LANES, pixels[d + FILTERS2 + f]);
            FloatVector d2 = FloatVector.broadcast(LANES, pixels[d + 2 * FILTERS2 + f]);
            low0 = low.fma(d0, low0);
            high0 = high.fma(d0, high0);
            low1 = low.fma(d1, low1);
            high1 = high.fma(d1, high1);
            low2 = low.fma(d2, low2);
            high2 = high.fma(d2, high2);
          }
          // The three pixels read conv1's output two columns apart.
          int in = ((2 * outRow + kernelRow) * OUT1 + 2 * outColumn + kernelColumn) * FILTERS1;
          addInto(into, in, low0, high0);
          addInto(into, in + 2 * FILTERS1, low1, high1);
          addInto(into, in + 4 * FILTERS1, low2, high2);
        }
      }
    }
  }

  private static void addInto(float[] into, int offset, FloatVector low, FloatVector high) {
    FloatVector.fromArray(LANES, into, offset).add(low).intoArray(into, offset);
    FloatVector.fromArray(LANES, into, offset + 8).add(high).intoArray(into, offset + 8);
  }

  /**
   * conv1's weight gradient as [channel][row][column][filter]: per kernel row, four kernel columns at a
   * time, the 16 filters in two vectors each, summed over every output pixel of every step.
   */
  static void conv1Weights(float[] target, float[][] observations, float[][] pixels1, int steps) {
    for (int c = 0; c < FRAMES; c++) {
      for (int kernelRow = 0; kernelRow < KERNEL1; kernelRow++) {
        for (int kernelColumn = 0; kernelColumn < KERNEL1; kernelColumn += 4) {
          FloatVector low0 = FloatVector.zero(LANES), high0 = low0, low1 = low0, high1 = low0;
          FloatVector low2 = low0, high2 = low0, low3 = low0, high3 = low0;
          for (int t = 0; t < steps; t++) {
            float[] x = observations[t];
            float[] pixels = pixels1[t];
            for (int outRow = 0; outRow < OUT1; outRow++) {
              int in = (c * SIZE + outRow * 4 + kernelRow) * SIZE + kernelColumn;
              int d = outRow * OUT1 * FILTERS1;
              for (int outColumn = 0; outColumn < OUT1; outColumn++, in += 4, d += FILTERS1) {
                FloatVector low = FloatVector.fromArray(LANES, pixels, d);
                FloatVector high = FloatVector.fromArray(LANES, pixels, d + 8);
                FloatVector x0 = FloatVector.broadcast(LANES, x[in]);
                FloatVector x1 = FloatVector.broadcast(LANES, x[in + 1]);
                FloatVector x2 = FloatVector.broadcast(LANES, x[in + 2]);
                FloatVector x3 = FloatVector.broadcast(LANES, x[in + 3]);
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
          int w = ((c * KERNEL1 + kernelRow) * KERNEL1 + kernelColumn) * FILTERS1;
          low0.intoArray(target, w);
          high0.intoArray(target, w + 8);
          low1.intoArray(target, w + 16);
          high1.intoArray(target, w + 24);
          low2.intoArray(target, w + 32);
          high2.intoArray(target, w + 40);
          low3.intoArray(target, w + 48);
          high3.intoArray(target, w + 56);
        }
      }
    }
  }
}
