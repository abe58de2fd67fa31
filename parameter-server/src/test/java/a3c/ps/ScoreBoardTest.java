package a3c.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import a3c.proto.EpisodeRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoreBoardTest {
  private static EpisodeRecord episode(String worker, double score) {
    return EpisodeRecord.newBuilder().setWorkerId(worker).setScore(score).build();
  }

  @Test
  void mean100_forgetsALargeScoreExactly_onceItLeavesTheWindow() {
    ScoreBoard scores = new ScoreBoard(List.of());
    scores.add(episode("w0", 1e9), 1);
    for (int i = 0; i < ScoreBoard.WINDOW; i++) {
      scores.add(episode("w0", 0.1), 1);
    }
    // A running sum would keep the rounding of every 0.1 added next to 1e9 (about 6e-8 here).
    assertEquals(0.1, scores.mean100(), 1e-15);
    assertEquals(0.1, scores.roundMean100(), 1e-15);
    assertEquals(1e9, scores.best(), 0.0);
  }

  @Test
  void roundMean100_averagesOneEpisodePerWorker() {
    ScoreBoard scores = new ScoreBoard(List.of());
    scores.add(episode("a", 1), 2);
    assertTrue(Double.isNaN(scores.roundMean100()), "a round needs both workers");
    scores.add(episode("a", 3), 2);
    scores.add(episode("b", 5), 2);
    assertEquals(3.0, scores.roundMean100(), 0.0);
    scores.add(episode("b", 7), 2);
    assertEquals((3.0 + 5.0) / 2, scores.roundMean100(), 0.0);
  }

  @Test
  void aResumedBoard_rebuildsTheRoundsOfAllItsWorkers_andKeepsThatRoundSize() {
    List<EpisodeRecord> history = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      history.add(episode("a", -20));
      history.add(episode("b", -10));
    }
    history.add(episode("a", 0));
    ScoreBoard resumed = new ScoreBoard(history);
    assertEquals(21, resumed.count());
    assertEquals(-15.0, resumed.roundMean100(), 0.0, "ten rounds of (a + b) / 2, not twenty-one rounds of one");
    // After a restart the server has heard from one worker again: a's episodes still wait for b's.
    resumed.add(episode("a", 0), 1);
    assertEquals(-15.0, resumed.roundMean100(), 0.0);
    resumed.add(episode("b", 10), 1);
    assertEquals((10 * -15.0 + 5.0) / 11, resumed.roundMean100(), 1e-12);
  }

  @Test
  void reached_ourMeasureNeeds100Episodes_theReferencesMoreThan100Rounds() {
    ScoreBoard scores = new ScoreBoard(List.of());
    for (int round = 1; round <= ScoreBoard.WINDOW + 1; round++) {
      scores.add(episode("a", 5), 2);
      scores.add(episode("b", 5), 2);
      assertEquals(2 * round >= ScoreBoard.WINDOW, scores.reached(StopMeasure.EPISODES, 5), "round " + round);
      assertEquals(round > ScoreBoard.WINDOW, scores.reached(StopMeasure.ROUNDS, 5), "round " + round);
    }
    assertEquals(ScoreBoard.WINDOW + 1, scores.rounds());
    assertFalse(scores.reached(StopMeasure.ROUNDS, 5.01));
  }

  @Test
  void aWorkerThatDiesMidRound_holdsTheRoundUntilItsRestartReports_andNoEpisodeIsLost() {
    ScoreBoard scores = new ScoreBoard(List.of());
    scores.add(episode("a", 1), 2);
    scores.add(episode("b", 3), 2);
    assertEquals(1, scores.rounds());
    // b dies mid-episode; a plays on alone: its episodes wait, in order, for b's next one.
    scores.add(episode("a", 5), 2);
    scores.add(episode("a", 7), 2);
    assertEquals(1, scores.rounds());
    // b's restart reports under the same id: the round pairs it with a's oldest waiting episode.
    scores.add(episode("b", 9), 2);
    assertEquals(2, scores.rounds());
    assertEquals((2.0 + 7.0) / 2, scores.roundMean100(), 0.0);
    scores.add(episode("b", 11), 2);
    assertEquals(3, scores.rounds());
    assertEquals((2.0 + 7.0 + 9.0) / 3, scores.roundMean100(), 0.0);
  }
}
