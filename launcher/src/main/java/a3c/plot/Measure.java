package a3c.plot;

/** A running mean of a run's scores that plots draw and milestones time. */
public enum Measure {
  /** Ours, the stopping rule's: the mean of the last 100 episodes, whichever worker played them. */
  MEAN100("mean of the last 100 episodes"),
  /** The reference's: the mean of the last 100 rounds, a round averaging one episode per worker. */
  ROUNDS("mean of the last 100 rounds");

  final String label;

  Measure(String label) {
    this.label = label;
  }
}
