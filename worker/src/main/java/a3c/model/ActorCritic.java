package a3c.model;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A policy (actor) and value (critic) network sharing a trunk, on either {@link Engine}.
 *
 * <p>The weight methods are what the wire needs; {@link #step}, {@link #trainingStep} and
 * {@link #backward} are what the learner needs. Both engines give the same outputs and gradients
 * for the same weights (to float rounding), and name and order their parameters alike, so a run's
 * weights and checkpoints serve either.
 */
public interface ActorCritic extends AutoCloseable {

  /** The parameters in their fixed wire order, named as in a PyTorch state_dict. */
  List<ParameterSpec> parameters();

  /** The shape of one observation, without the batch dimension. */
  long[] observationShape();

  int actionCount();

  /** The size of the LSTM state (hidden and cell each), or 0 for a feed-forward network. */
  int recurrentSize();

  /** Which engine computes this network. */
  Engine engine();

  /** Draws fresh weights: Kaiming-normal convolutions, Xavier-uniform matrices, zero biases; the same on both engines. */
  void initialize(long seed);

  /** Replaces all weights by little-endian float32 buffers in {@link #parameters()} order. */
  void loadWeights(List<ByteBuffer> weights);

  /** Copies all weights out as fresh little-endian float32 buffers in {@link #parameters()} order. */
  List<ByteBuffer> exportWeights();

  /**
   * One observation's forward pass with no gradient, as acting needs it: reads the LSTM state from
   * {@code hidden} and {@code cell} and overwrites it with the next state (both are empty arrays
   * when feed-forward), writes the logits into {@code logits}, and returns the value.
   */
  float step(float[] observation, float[] hidden, float[] cell, float[] logits);

  /**
   * As {@link #step}, for step {@code t} (from 0) of the rollout being recorded: also keeps, in
   * slot {@code t}, what {@link #backward} needs. Slot 0 starts the next rollout.
   */
  float trainingStep(int t, float[] observation, float[] hidden, float[] cell, float[] logits);

  /**
   * Back-propagates through the steps recorded in slots {@code [0, steps)}: writes, for every
   * parameter, the gradient of {@code sum_t (logitGradients[t] . logits_t + valueGradients[t] * value_t)}
   * into {@code gradients} (one buffer per parameter, in {@link #parameters()} order and shape),
   * and returns the sum of their squares. The LSTM state each step started from is an input, held
   * constant (no backpropagation through time). The gradients are those of the current weights,
   * whether or not they changed since the steps were recorded.
   *
   * @param logitGradients (steps, actions), row-major
   */
  double backward(int steps, float[] logitGradients, float[] valueGradients, List<FloatBuffer> gradients);

  @Override
  void close();
}
