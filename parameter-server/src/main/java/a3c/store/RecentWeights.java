package a3c.store;

import a3c.proto.DType;
import a3c.proto.Tensor;
import a3c.rpc.WeightChanges;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The weights of the last few versions published in a dtype worth sending as changes
 * ({@link WeightChanges#worthwhile}), so that a reply can carry only what changed since the version
 * its caller holds. A caller further behind gets whole weights.
 */
final class RecentWeights {
  /** Published snapshots kept: 16 bfloat16 copies of the reference network are 38 MB. */
  static final int KEPT = 16;

  private final ArrayDeque<Snapshot> kept = new ArrayDeque<>(KEPT);

  /** Keeps {@code published} if it carries weights worth sending as changes, forgetting the oldest kept. */
  synchronized void add(Snapshot published) {
    if (published.weights() == null || !WeightChanges.worthwhile(published.weights().getFirst().getDtype())) {
      return;
    }
    if (kept.size() == KEPT) {
      kept.removeFirst();
    }
    kept.addLast(published);
  }

  /** The weights of {@code version} in {@code dtype}, or null when none are kept. */
  synchronized List<Tensor> of(long version, DType dtype) {
    for (Snapshot snapshot : kept) {
      if (snapshot.version() == version && snapshot.hasWeights(dtype)) {
        return snapshot.weights();
      }
    }
    return null;
  }
}
