package a3c.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A policy (actor) and value (critic) network sharing a trunk.
 *
 * <p>The weight methods are what the wire needs; {@link #forward} and {@link #parameterArrays()}
 * are what the learner needs to take gradients.
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

  /** The parameter tensors (leaves that collect gradients), in {@link #parameters()} order. */
  List<NDArray> parameterArrays();

  /** The manager owning the parameters; callers make sub-managers of it for temporaries. */
  NDManager manager();

  @Override
  void close();

  /** Logits (batch, actions), values (batch, 1) and, when recurrent, the next LSTM state. */
  record Output(NDArray logits, NDArray values, NDArray hidden, NDArray cell) {}
}
