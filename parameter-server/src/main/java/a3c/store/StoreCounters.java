package a3c.store;

import a3c.optim.OptimizerState;
import a3c.proto.Tensor;
import java.util.List;

/**
 * A store's counts: its version, the updates, agent steps and frames applied, and the staleness
 * sums ({@link Staleness}). The applier writes them; snapshots and checkpoints read them whole.
 */
final class StoreCounters {
  /** The relay staleness of a push no relay forwarded. */
  static final long NOT_RELAYED = -1;

  private long version;
  private long globalStep;
  private long updates;
  private long frames;
  private long stalenessSum;
  private long stalenessUpdates;
  private long relayStalenessSum;
  private long relayedUpdates;

  /** Counts on from a checkpoint's (or fresh weights') counters; the staleness sums start afresh. */
  StoreCounters(StoreState state) {
    this.version = state.version();
    this.globalStep = state.globalStep();
    this.updates = state.updates();
    this.frames = state.frames();
  }

  synchronized long version() {
    return version;
  }

  /**
   * Counts one applied push as the next version: its staleness is this version minus the one its
   * gradients were computed on, as if it had been applied alone.
   *
   * @param relayStaleness the push's relay staleness, or {@link #NOT_RELAYED}
   */
  synchronized void count(long baseVersion, long relayStaleness, long agentSteps, long pushFrames) {
    stalenessSum += Math.max(0, version - baseVersion);
    stalenessUpdates++;
    if (relayStaleness != NOT_RELAYED) {
      relayStalenessSum += relayStaleness;
      relayedUpdates++;
    }
    version++;
    updates++;
    globalStep += agentSteps;
    frames += pushFrames;
  }

  /** The counts now, with {@code weights} (null for none). */
  synchronized Snapshot snapshot(List<Tensor> weights) {
    return new Snapshot(version, globalStep, updates, frames,
        new Staleness(stalenessSum, stalenessUpdates, relayStalenessSum, relayedUpdates), weights);
  }

  /** The store's whole state with these counts, for a checkpoint. */
  synchronized StoreState state(TensorLayout layout, float[] weights, OptimizerState optimizer) {
    return new StoreState(layout, weights, optimizer, version, globalStep, updates, frames);
  }
}
