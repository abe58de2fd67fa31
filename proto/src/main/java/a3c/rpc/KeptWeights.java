package a3c.rpc;

import a3c.proto.Tensor;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last few weights versions a receiver was sent, as they came, so that a reply carrying only
 * their changes since one of them ({@link WeightChanges}) can be rebuilt whole. Only versions of a
 * known store (not 0), in a dtype worth it ({@link WeightChanges#worthwhile}), are kept; a version
 * of another store lets go of all the others, whose numbers that store may give to other weights.
 */
public final class KeptWeights {
  /** One version as it came, and the server's store that numbered it. */
  public record Version(long version, long store, List<Tensor> weights) {}

  private final int capacity;
  /** Oldest first, all of one store. */
  private final ArrayDeque<Version> kept;

  public KeptWeights(int capacity) {
    this.capacity = capacity;
    this.kept = new ArrayDeque<>(capacity);
  }

  /** The newest version kept, which a request names so that its reply may carry only changes; null for none. */
  public synchronized Version newest() {
    return kept.peekLast();
  }

  /**
   * The whole weights of a reply: {@code weights} themselves, or, with {@code changesSince}, the
   * version of {@code store} they were counted from with them written over it; null when that
   * version is not kept.
   *
   * @throws IllegalArgumentException when the changes do not fit the version they are counted from
   */
  public synchronized List<Tensor> whole(long store, Long changesSince, List<Tensor> weights) {
    if (changesSince == null) {
      return weights;
    }
    for (Version candidate : kept) {
      if (candidate.store() == store && candidate.version() == changesSince) {
        return WeightChanges.apply(candidate.weights(), weights);
      }
    }
    return null;
  }

  /** Keeps whole weights the server sent as {@code version} of {@code store}, if they are worth counting changes from. */
  public synchronized void keep(long version, long store, List<Tensor> whole) {
    if (!kept.isEmpty() && kept.peekLast().store() != store) {
      kept.clear();
    }
    if (store == 0 || whole.isEmpty() || !WeightChanges.worthwhile(whole.getFirst().getDtype())) {
      return;
    }
    if (kept.size() == capacity) {
      kept.removeFirst();
    }
    kept.addLast(new Version(version, store, List.copyOf(whole)));
  }
}
