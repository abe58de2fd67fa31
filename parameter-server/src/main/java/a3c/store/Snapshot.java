package a3c.store;

import a3c.proto.DType;
import a3c.proto.Tensor;
import java.util.List;

/**
 * The counters after one update and, when someone asked for them, the weights as it left them.
 *
 * @param version the number of updates applied since the weights were initialised
 * @param globalStep agent steps summed over every applied push
 * @param frames emulator frames summed over every applied push
 * @param staleness how old the applied pushes' gradients were, over this store's updates
 * @param weights the tensors, all in one dtype, whose bytes no one writes again; null when not
 *     copied out (see {@link ParameterStore#withWeights})
 */
public record Snapshot(long version, long globalStep, long updates, long frames, Staleness staleness,
    List<Tensor> weights) {
  /** Whether the snapshot carries its weights, in {@code dtype}. */
  public boolean hasWeights(DType dtype) {
    return weights != null && weights.getFirst().getDtype() == dtype;
  }
}
