package a3c.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A policy (actor) and value (critic) network sharing a trunk.
 *
 * <p>The weight methods are what the wire needs; {@link #step}, {@link #trainingStep} and
 * {@link #backward} are what the learner needs. {@link #forward} is the network as tensor
 * operations, whose autograd defines the gradients {@link #backward} computes.
 */
public interface ActorCritic extends AutoCloseable {

  /** The parameters in their fixed wire order. */
  List<ParameterSpec> parameters();

  /** The shape of one observation, without the batch dimension. */
  long[] observationShape();

  int actionCount();

  /** The size of the LSTM state (hidden and cell each), or 0 for a feed-forward network. */
  int recurrentSize();

  /** Draws fresh weights: Kaiming-normal convolutions, Xavier-uniform matrices, zero biases. */
  void initialize(long seed);

  /** Replaces all weights by little-endian float32 buffers in {@link #parameters()} order. */
  void loadWeights(List<ByteBuffer> weights);

  /** Copies all weights out as fresh little-endian float32 buffers in {@link #parameters()} order. */
  List<ByteBuffer> exportWeights();

  /**
   * Runs a batch forward; the outputs belong to the manager of {@code observations}.
   *
   * @param hidden the LSTM input state (batch, recurrentSize), ignored when feed-forward
   * @param cell the LSTM input cell (batch, recurrentSize), ignored when feed-forward
   */
  Output forward(NDArray observations, NDArray hidden, NDArray cell);

  /**
   * One observation's forward pass with no autograd, as acting needs it, in plain Java: reads the
   * LSTM state from {@code hidden} and {@code cell} and overwrites it with the next state (both
   * are empty arrays when feed-forward), writes the logits into {@code logits}, and returns the
   * value. It computes what {@link #forward} computes for a batch of one.
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

  /** The parameter tensors (leaves that collect gradients), in {@link #parameters()} order. */
  List<NDArray> parameterArrays();

  /** The manager owning the parameters; callers make sub-managers of it for temporaries. */
  NDManager manager();

  @Override
  void close();

  /** Logits (batch, actions), values (batch, 1) and, when recurrent, the next LSTM state. */
  record Output(NDArray logits, NDArray values, NDArray hidden, NDArray cell) {}
}
