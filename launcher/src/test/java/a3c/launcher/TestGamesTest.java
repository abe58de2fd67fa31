package a3c.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TestGamesTest {

  private static final String[] PONG = {"NOOP", "FIRE", "RIGHT", "LEFT", "RIGHTFIRE", "LEFTFIRE"};

  @Test
  void directions_putEachActionWithItsFireTwin() {
    assertArrayEquals(new int[] {0, 0, 1, 2, 1, 2}, TestGames.directions(PONG));
    assertArrayEquals(new int[] {0, 0, 1, 2, 3}, TestGames.directions(new String[] {"NOOP", "FIRE", "UP", "DOWN", "UPRIGHT"}));
  }

  @Test
  void mostProbableDirection_addsUpTwins_andCanDisagreeWithTheMostProbableAction() {
    int[] directions = TestGames.directions(PONG);
    // NOOP is the most probable action, but RIGHT and RIGHTFIRE together outweigh it: a flip.
    float[] split = {0.35f, 0.05f, 0.3f, 0f, 0.3f, 0f};
    assertEquals(1, TestGames.mostProbableDirection(directions, split));
    // Without a split the two agree.
    float[] clear = {0.1f, 0.05f, 0.7f, 0.05f, 0.05f, 0.05f};
    assertEquals(1, TestGames.mostProbableDirection(directions, clear));
    float[] stay = {0.3f, 0.3f, 0.15f, 0.1f, 0.1f, 0.05f};
    assertEquals(0, TestGames.mostProbableDirection(directions, stay));
  }

  @Test
  void sameActionRun_endsAGame_onlyAfterTheLimitOfOneActionInARow() {
    TestGames.SameActionRun run = new TestGames.SameActionRun(TestGames.STUCK_ACTIONS);
    for (int i = 1; i < TestGames.STUCK_ACTIONS; i++) {
      assertFalse(run.add(3), "after " + i);
    }
    // Another action restarts the count.
    assertFalse(run.add(2));
    for (int i = 1; i < TestGames.STUCK_ACTIONS; i++) {
      assertFalse(run.add(3), "after " + i);
    }
    assertTrue(run.add(3));
  }

  @Test
  void directionPolicy_takesTheMostProbableActionOfTheMostProbableDirection() {
    int[] directions = TestGames.directions(PONG);
    float[] split = {0.35f, 0.05f, 0.3f, 0f, 0.3f, 0f};
    assertEquals(0, TestGames.argmax(split, null, 0));
    int direction = TestGames.mostProbableDirection(directions, split);
    assertEquals(2, TestGames.argmax(split, directions, direction));
    float[] fireTwinAhead = {0.35f, 0.05f, 0.2f, 0f, 0.4f, 0f};
    assertEquals(4, TestGames.argmax(fireTwinAhead, directions, TestGames.mostProbableDirection(directions, fireTwinAhead)));
  }

  @Test
  void pointLengths_countPointsAndTheRepeatsOfAnEarlierOne() {
    TestGames.PointLengths points = new TestGames.PointLengths();
    int[][] rallies = {{50, -1}, {80, 1}, {50, -1}, {50, 1}, {50, -1}, {51, -1}};
    for (int[] rally : rallies) {
      for (int step = 1; step < rally[0]; step++) {
        points.step(0);
      }
      points.step(rally[1]);
    }
    assertEquals(6, points.count());
    // The third and fifth points lose after 50 steps again; the fourth wins after 50, a first.
    assertEquals(2, points.repeated());
  }

  @Test
  void testPolicy_parsesItsFlags_andRefusesOthers() {
    assertEquals(TestPolicy.GREEDY, TestPolicy.parse("greedy"));
    assertEquals(TestPolicy.SAMPLE, TestPolicy.parse("sample"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TestPolicy.parse("argmax"));
    assertEquals("--test-policy must be one of greedy, direction, sample, got 'argmax'", e.getMessage());
  }
}
