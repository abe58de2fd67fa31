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
 * ours; the stopping rule uses ours, the status reports both.
 */
final class ScoreBoard {
  static final int WINDOW = 100;

  private final List<EpisodeRecord> episodes = new ArrayList<>();
  private final ArrayDeque<Double> lastScores = new ArrayDeque<>();
  private final ArrayDeque<Double> lastRounds = new ArrayDeque<>();
  private final Map<String, ArrayDeque<Double>> pendingByWorker = new HashMap<>();
  private double scoreSum;
  private double roundSum;
  private double best = Double.NEGATIVE_INFINITY;

  /** A score board that continues a checkpoint's history (its rounds are rebuilt one worker at a time). */
  ScoreBoard(List<EpisodeRecord> history) {
    history.forEach(episode -> add(episode, 1));
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
    lastScores.addLast(score);
    scoreSum += score;
    if (lastScores.size() > WINDOW) {
      scoreSum -= lastScores.removeFirst();
    }
    pendingByWorker.computeIfAbsent(episode.getWorkerId(), id -> new ArrayDeque<>()).addLast(score);
    if (pendingByWorker.values().stream().filter(pending -> !pending.isEmpty()).count() >= Math.max(1, roundSize)) {
      double round = pendingByWorker.values().stream().filter(pending -> !pending.isEmpty())
          .mapToDouble(ArrayDeque::removeFirst).average().orElseThrow();
      lastRounds.addLast(round);
      roundSum += round;
      if (lastRounds.size() > WINDOW) {
        roundSum -= lastRounds.removeFirst();
      }
    }
  }

  synchronized int count() {
    return episodes.size();
  }

  /** The mean of the last 100 scores (of all so far while fewer than 100); NaN before the first. */
  synchronized double mean100() {
    return lastScores.isEmpty() ? Double.NaN : scoreSum / lastScores.size();
  }

  /** Whether 100 episodes have been played, so that {@link #mean100()} covers a full window. */
  synchronized boolean windowFull() {
    return lastScores.size() >= WINDOW;
  }

  synchronized double roundMean100() {
    return lastRounds.isEmpty() ? Double.NaN : roundSum / lastRounds.size();
  }

  synchronized double best() {
    return best;
  }

  synchronized List<EpisodeRecord> history() {
    return List.copyOf(episodes);
  }
}
