package a3c.export;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Our parameter names against the PyTorch original's ({@code model.py}'s {@code ActorCritic}: {@code conv1},
 * {@code conv2}, {@code fc1}, {@code lstm_cell}, {@code out_actor}, {@code out_critic}). Shapes, layouts and
 * the LSTM's gate order (input, forget, cell, output) are the same on both sides, so only names change.
 */
final class ReferenceNames {
  /** Ours to theirs, in our wire order. */
  static final Map<String, String> ATARI;

  static {
    Map<String, String> names = new LinkedHashMap<>();
    for (String suffix : List.of("weight", "bias")) {
      names.put("conv1." + suffix, "conv1." + suffix);
    }
    for (String suffix : List.of("weight", "bias")) {
      names.put("conv2." + suffix, "conv2." + suffix);
    }
    for (String suffix : List.of("weight", "bias")) {
      names.put("fc." + suffix, "fc1." + suffix);
    }
    for (String suffix : List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh")) {
      names.put("lstm." + suffix, "lstm_cell." + suffix);
    }
    for (String suffix : List.of("weight", "bias")) {
      names.put("actor." + suffix, "out_actor." + suffix);
    }
    for (String suffix : List.of("weight", "bias")) {
      names.put("critic." + suffix, "out_critic." + suffix);
    }
    ATARI = Map.copyOf(names);
  }

  private ReferenceNames() {}

  /**
   * The original's names for a checkpoint's parameters when they are the Atari network's, else the
   * names unchanged: the original has no counterpart of our other networks (CartPole's MLP).
   */
  static List<String> of(List<String> ours) {
    if (!Set.copyOf(ours).equals(ATARI.keySet()) || ours.size() != ATARI.size()) {
      return ours;
    }
    return ours.stream().map(ATARI::get).toList();
  }
}
