package a3c.store;

/**
 * A decoded, validated push: the gradients of some of the model's tensors in one flat array.
 *
 * <p>Instances come from {@link ParameterStore#decode} and hold a pooled buffer; the store takes
 * it back once the update is applied or dropped.
 */
public final class Gradients {
  final float[] values;
  final boolean[] present;

  Gradients(float[] values, boolean[] present) {
    this.values = values;
    this.present = present;
  }
}
