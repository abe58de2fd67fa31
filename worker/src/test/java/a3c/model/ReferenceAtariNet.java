package a3c.model;

import java.util.List;

/**
 * The Atari network written out as plain loops for one observation, following PyTorch's
 * definitions of Conv2d, Linear and LSTMCell (gates i, f, g, o), to check the tensor version.
 */
final class ReferenceAtariNet {

  record Result(float[] logits, float[] value, float[] hidden, float[] cell) {}

  private ReferenceAtariNet() {}

  static Result forward(List<float[]> w, int actions, float[] x, float[] h, float[] c) {
    float[] conv1 = relu(conv(x, 4, 84, w.get(0), w.get(1), 16, 8, 4));
    float[] conv2 = relu(conv(conv1, 16, 20, w.get(2), w.get(3), 32, 4, 2));
    float[] fc = relu(linear(conv2, w.get(4), w.get(5), 256));
    float[] gatesInput = linear(fc, w.get(6), w.get(8), 1024);
    float[] gatesHidden = linear(h, w.get(7), w.get(9), 1024);
    float[] nextHidden = new float[256];
    float[] nextCell = new float[256];
    for (int j = 0; j < 256; j++) {
      double i = sigmoid(gatesInput[j] + gatesHidden[j]);
      double f = sigmoid(gatesInput[256 + j] + gatesHidden[256 + j]);
      double g = Math.tanh(gatesInput[512 + j] + gatesHidden[512 + j]);
      double o = sigmoid(gatesInput[768 + j] + gatesHidden[768 + j]);
      nextCell[j] = (float) (f * c[j] + i * g);
      nextHidden[j] = (float) (o * Math.tanh(nextCell[j]));
    }
    return new Result(linear(nextHidden, w.get(10), w.get(11), actions),
        linear(nextHidden, w.get(12), w.get(13), 1), nextHidden, nextCell);
  }

  /** Square input and kernel, no padding; output index (out, row, col) flattened row-major. */
  private static float[] conv(float[] input, int channels, int size, float[] weight, float[] bias,
      int filters, int kernel, int stride) {
    int outSize = (size - kernel) / stride + 1;
    float[] output = new float[filters * outSize * outSize];
    for (int f = 0; f < filters; f++) {
      for (int r = 0; r < outSize; r++) {
        for (int col = 0; col < outSize; col++) {
          double sum = bias[f];
          for (int ch = 0; ch < channels; ch++) {
            for (int kr = 0; kr < kernel; kr++) {
              for (int kc = 0; kc < kernel; kc++) {
                sum += weight[((f * channels + ch) * kernel + kr) * kernel + kc]
                    * input[(ch * size + r * stride + kr) * size + col * stride + kc];
              }
            }
          }
          output[(f * outSize + r) * outSize + col] = (float) sum;
        }
      }
    }
    return output;
  }

  private static float[] linear(float[] input, float[] weight, float[] bias, int outputs) {
    float[] output = new float[outputs];
    for (int o = 0; o < outputs; o++) {
      double sum = bias[o];
      for (int i = 0; i < input.length; i++) {
        sum += weight[o * input.length + i] * input[i];
      }
      output[o] = (float) sum;
    }
    return output;
  }

  private static float[] relu(float[] values) {
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.max(0f, values[i]);
    }
    return values;
  }

  private static double sigmoid(double value) {
    return 1 / (1 + Math.exp(-value));
  }
}
