package a3c.store;

/**
 * How old the gradients were when a store applied them, summed over the updates it applied. A
 * push's staleness is the store's version when it applied the push minus the version the gradients
 * were computed on. A push that a worker host's relay forwarded also has a relay staleness, the part
 * of that the relay adds: the store's version when the push arrived minus the newest version the
 * relay held as it sent the push on (or the push's base version, if newer). The rest, the worker's
 * lag behind its relay's copy and the wait for the applier, a worker on the server's own host has
 * too. A checkpoint does not carry the sums: a resumed server starts them afresh.
 *
 * @param sum staleness summed over {@code updates}
 * @param updates the updates this store applied
 * @param relaySum relay staleness summed over {@code relayedUpdates}
 * @param relayedUpdates the updates a relay forwarded, among {@code updates}
 */
public record Staleness(long sum, long updates, long relaySum, long relayedUpdates) {
  /** The mean staleness; 0 before the first update. */
  public double mean() {
    return updates == 0 ? 0 : (double) sum / updates;
  }

  /** The mean relay staleness over the relayed updates; 0 before the first. */
  public double relayMean() {
    return relayedUpdates == 0 ? 0 : (double) relaySum / relayedUpdates;
  }

  /** The sums over the updates applied since {@code earlier}. */
  public Staleness since(Staleness earlier) {
    return new Staleness(sum - earlier.sum, updates - earlier.updates, relaySum - earlier.relaySum,
        relayedUpdates - earlier.relayedUpdates);
  }
}
