package a3c.ps;

import a3c.proto.Tensor;
import a3c.rpc.WeightChanges;
import a3c.store.ParameterStore;
import a3c.store.Snapshot;
import java.util.List;
import java.util.OptionalLong;

/**
 * The weights a reply carries: whole, or only their changes since the version the caller holds,
 * when that version is of this store and still kept in the snapshot's dtype ({@link WeightChanges}).
 *
 * @param changesSince the version the changes are counted from; empty for whole weights
 */
record ReplyWeights(List<Tensor> weights, OptionalLong changesSince) {
  /**
   * @param holds whether the caller named a version it holds, {@code heldVersion} of {@code heldStore}
   * @param snapshot a snapshot of {@code store} with its weights
   */
  static ReplyWeights of(ParameterStore store, Snapshot snapshot, boolean holds, long heldVersion, long heldStore) {
    if (holds && heldStore == store.id()) {
      List<Tensor> base = store.recentWeights(heldVersion, snapshot.weights().getFirst().getDtype());
      if (base != null) {
        return new ReplyWeights(WeightChanges.since(base, snapshot.weights()), OptionalLong.of(heldVersion));
      }
    }
    return new ReplyWeights(snapshot.weights(), OptionalLong.empty());
  }
}
