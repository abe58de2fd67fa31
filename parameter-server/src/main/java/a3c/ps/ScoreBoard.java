package a3c.ps;

import a3c.proto.EpisodeRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The score history, and the two running means users compare.
 *
 * <p>Ours, {@link #mean100()}: the mean raw score of the last 100 episodes, whichever worker played
 * them. The reference's, {@link #roundMean100()}: it waits until every worker has finished an
 * episode, averages one episode per worker into a "round", and takes the mean of the last 100
 * rounds. With N workers a round is N episodes, so its mean covers the last 100 N episodes and lags
 * ours. The stopping rule uses either ({@link StopMeasure}); the status reports both.
 */
final class ScoreBoard {
  static final int WINDOW = 100;

  private final List<EpisodeRecord> episodes = new ArrayList<>();
  private final ArrayDeque<Double> lastScores = new ArrayDeque<>();
  private final ArrayDeque<Double> lastRounds = new ArrayDeque<>();
  private long rounds;
  private final Map<String, ArrayDeque<Double>> pendingByWorker = new HashMap<>();
  private final int historyWorkers;
  private double best = Double.NEGATIVE_INFINITY;

  /**
   * A score board that continues a checkpoint's history. Its rounds are rebuilt as if every worker
   * in the history had run from the start, and a round never averages fewer workers than that: a
   * restarted server hears from its workers again one at a time.
   */
  ScoreBoard(List<EpisodeRecord> history) {
    this.historyWorkers = (int) history.stream().map(EpisodeRecord::getWorkerId).distinct().count();
    history.forEach(episode -> add(episode, historyWorkers));
  }

  /**
   * Records an episode.
   *
   * @param roundSize how many workers a round averages (the reference's number of processes); a
   *     round forms once that many workers each have an unused episode
   */
  synchronized void add(EpisodeRecord episode, int roundSize) {
    episodes.add(episode);
    double score = episode.getScore();
    best = Math.max(best, score);
    addToWindow(lastScores, score);
    pendingByWorker.computeIfAbsent(episode.getWorkerId(), id -> new ArrayDeque<>()).addLast(score);
    long ready = pendingByWorker.values().stream().filter(pending -> !pending.isEmpty()).count();
    if (ready >= Math.max(1, Math.max(roundSize, historyWorkers))) {
      rounds++;
      addToWindow(lastRounds, pendingByWorker.values().stream().filter(pending -> !pending.isEmpty())
          .mapToDouble(ArrayDeque::removeFirst).average().orElseThrow());
    }
  }

  private static void addToWindow(ArrayDeque<Double> window, double value) {
    window.addLast(value);
    if (window.size() > WINDOW) {
      window.removeFirst();
    }
  }

  /** The window's mean, summed afresh each time: a running sum would keep the error of every value it ever held. */
  private static double mean(ArrayDeque<Double> window) {
    double sum = 0;
    for (double value : window) {
      sum += value;
    }
    return window.isEmpty() ? Double.NaN : sum / window.size();
  }

  synchronized int count() {
    return episodes.size();
  }

  /** The mean of the last 100 scores (of all so far while fewer than 100); NaN before the first. */
  synchronized double mean100() {
    return mean(lastScores);
  }

  synchronized double roundMean100() {
    return mean(lastRounds);
  }

  /** How many rounds have formed. */
  synchronized long rounds() {
    return rounds;
  }

  /**
   * Whether a measure has reached a target: ours once 100 episodes have been played, the reference's
   * once more than 100 rounds have formed, as its loop checks.
   */
  synchronized boolean reached(StopMeasure measure, double target) {
    return switch (measure) {
      case EPISODES -> lastScores.size() >= WINDOW && mean(lastScores) >= target;
      case ROUNDS -> rounds > WINDOW && mean(lastRounds) >= target;
    };
  }

  synchronized double best() {
    return best;
  }

  synchronized List<EpisodeRecord> history() {
    return List.copyOf(episodes);
  }
}
