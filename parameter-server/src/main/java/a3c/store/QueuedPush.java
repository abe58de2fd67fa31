package a3c.store;

import a3c.proto.DType;
import java.util.concurrent.CompletableFuture;

/**
 * One push queued for the applier, until it is applied or refused.
 *
 * @param relayStaleness the push's relay staleness, or {@link StoreCounters#NOT_RELAYED}
 * @param weightsAs the dtype its reply carries the new weights in, or null for none
 * @param applied completed with the pass's snapshot, or with why the push was refused
 */
record QueuedPush(Gradients gradients, long baseVersion, long relayStaleness, long agentSteps, long frames,
    DType weightsAs, CompletableFuture<Snapshot> applied) {
  /** The same push with its gradients copied out of its file. */
  QueuedPush with(Gradients copied) {
    return new QueuedPush(copied, baseVersion, relayStaleness, agentSteps, frames, weightsAs, applied);
  }
}
