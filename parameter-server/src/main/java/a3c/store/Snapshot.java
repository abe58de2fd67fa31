package a3c.store;

import a3c.proto.Tensor;
import java.util.List;

/**
 * The weights as one update left them, immutable, with the counters at that moment.
 *
 * @param version the number of updates applied since the weights were initialised
 * @param globalStep agent steps summed over every applied push
 * @param frames emulator frames summed over every applied push
 * @param weights the tensors, whose bytes no one writes again
 */
public record Snapshot(long version, long globalStep, long updates, long frames, List<Tensor> weights) {}
