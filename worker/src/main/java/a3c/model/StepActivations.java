package a3c.model;

import static a3c.model.AtariKernel.FILTERS1;
import static a3c.model.AtariKernel.FLAT;
import static a3c.model.AtariKernel.FRAMES;
import static a3c.model.AtariKernel.HIDDEN;
import static a3c.model.AtariKernel.OUT1;
import static a3c.model.AtariKernel.SIZE;

/** One step's inputs and what the Atari network's forward pass computed from them, for the backward pass. */
final class StepActivations {
  final float[] observation = new float[FRAMES * SIZE * SIZE];
  /** The LSTM state the step started from. */
  final float[] hidden = new float[HIDDEN];
  final float[] cell = new float[HIDDEN];
  /** conv1's output after ReLU as [row][column][filter]. */
  final float[] features1 = new float[OUT1 * OUT1 * FILTERS1];
  /** conv2's output after ReLU as [filter][row][column], PyTorch's flattening order for the dense layer. */
  final float[] features2 = new float[FLAT];
  final float[] dense = new float[HIDDEN];
  /** The gates after their sigmoid or tanh, in PyTorch's order. */
  final float[] gates = new float[4 * HIDDEN];
  final float[] nextCell = new float[HIDDEN];
  final float[] cellTanh = new float[HIDDEN];
  final float[] nextHidden = new float[HIDDEN];
  /** The weights' generation these activations are of ({@link AtariKernel#load} bumps it); -1 for none yet. */
  long generation = -1;
}
