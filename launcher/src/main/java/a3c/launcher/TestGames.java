package a3c.launcher;

import a3c.env.Environment;
import a3c.env.Environments;
import a3c.env.StepResult;
import a3c.env.atari.AtariEnvironment;
import a3c.gif.GifRecorder;
import a3c.learner.Agent;
import a3c.model.ActorCritic;
import a3c.model.Engine;
import a3c.model.ParameterSpec;
import a3c.proto.Checkpoint;
import a3c.proto.Tensor;
import a3c.worker.WorkerRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The reference's test phase: a trained network plays whole games greedily (the most probable
 * action at every step), each game's raw score and length are printed, and Atari games are saved
 * as animated GIFs of the emulator's screens ({@code test-game-N.gif}, one frame per agent step).
 * As in the reference, a game whose last {@value #STUCK_ACTIONS} actions were all the same ends
 * there ({@code stuck=true}): a greedy policy can lock into one action, and in a game that waits
 * for the player (Breakout's serve) it would never end.
 */
final class TestGames {
  private static final int GIF_FPS = 30;
  /** The reference's {@code deque(maxlen=1000)} of the last actions, all equal: the game ends. */
  static final int STUCK_ACTIONS = 1000;

  private TestGames() {}

  /**
   * Plays {@code games} games with the weights of {@code checkpoint}.
   *
   * @throws IllegalArgumentException when the checkpoint's model does not fit the env's network
   */
  static void play(String envName, Path romDir, Checkpoint checkpoint, int games, long seed, Path gifDir,
      PrintWriter out, Engine engine, TestPolicy policy) throws IOException {
    try (Environment env = Environments.create(envName, romDir, seed, 0);
        ActorCritic model = WorkerRunner.modelFor(env, engine)) {
      Agent agent = new Agent(model, seed);
      model.loadWeights(weightsFor(model, checkpoint));
      float[] observation = new float[env.observationSize()];
      float[] probabilities = new float[env.actionCount()];
      AtariEnvironment atari = env instanceof AtariEnvironment a ? a : null;
      int[] directions = atari == null ? null : directions(atari.actionMeanings());
      AtariEnvironment screens = gifDir != null ? atari : null;
      byte[] rgb = new byte[AtariEnvironment.RGB_LENGTH];
      if (screens != null) {
        Files.createDirectories(gifDir);
      }
      for (int game = 1; game <= games; game++) {
        Path gif = screens == null ? null : gifDir.resolve("test-game-" + game + ".gif");
        try (GifRecorder recorder = screens == null ? null
            : GifRecorder.create(gif, AtariEnvironment.SCREEN_WIDTH, AtariEnvironment.SCREEN_HEIGHT, GIF_FPS)) {
          env.reset(observation);
          agent.resetRecurrentState();
          double score = 0;
          long length = 0;
          long flips = 0;
          SameActionRun run = new SameActionRun(STUCK_ACTIONS);
          PointLengths points = new PointLengths();
          boolean done = false;
          boolean stuck = false;
          while (!done) {
            if (recorder != null) {
              screens.copyRgbFrame(rgb);
              recorder.addFrame(rgb);
            }
            int action = switch (policy) {
              case GREEDY -> agent.greedyAction(observation, probabilities);
              case SAMPLE -> agent.sampledAction(observation, probabilities);
              case DIRECTION -> {
                agent.greedyAction(observation, probabilities);
                yield directions == null ? argmax(probabilities, null, 0)
                    : argmax(probabilities, directions, mostProbableDirection(directions, probabilities));
              }
            };
            if (directions != null && directions[action] != mostProbableDirection(directions, probabilities)) {
              flips++;
            }
            StepResult step = env.step(action, observation);
            score += step.reward();
            length++;
            points.step(step.reward());
            stuck = run.add(action);
            done = step.done() || stuck;
          }
          out.printf(Locale.ROOT, "test-game %d env=%s score=%.1f length=%d%s%s%s%s%s%n", game, envName, score, length,
              policy == TestPolicy.GREEDY ? "" : " policy=" + policy.flag(), stuck ? " stuck=true" : "",
              // An Atari game's points are its rallies; CartPole rewards every step.
              atari == null || points.count() == 0 ? ""
                  : String.format(Locale.ROOT, " points=%d repeated_points=%d", points.count(), points.repeated()),
              directions == null ? "" : String.format(Locale.ROOT, " direction_flips_pct=%.1f", 100.0 * flips / length),
              gif == null ? "" : " gif=" + gif);
          out.flush();
        }
      }
    }
  }

  /** The most probable action, among those of {@code direction} when {@code directions} is not null. */
  static int argmax(float[] probabilities, int[] directions, int direction) {
    int best = -1;
    for (int a = 0; a < probabilities.length; a++) {
      if ((directions == null || directions[a] == direction) && (best < 0 || probabilities[a] > probabilities[best])) {
        best = a;
      }
    }
    return best;
  }

  /**
   * The points of a game (steps with a reward) and how many of them repeated an earlier one exactly:
   * the same sign after the same number of agent steps since the point before. A deterministic game
   * played greedily can fall into a loop, the same rally won or lost again and again; this counts it.
   */
  static final class PointLengths {
    private final Set<Long> seen = new HashSet<>();
    private long sincePoint;
    private int count;
    private int repeated;

    void step(double reward) {
      sincePoint++;
      if (reward != 0) {
        count++;
        if (!seen.add(reward > 0 ? sincePoint : -sincePoint)) {
          repeated++;
        }
        sincePoint = 0;
      }
    }

    int count() {
      return count;
    }

    int repeated() {
      return repeated;
    }
  }

  /** Counts how many times in a row the same action came, up to a limit. */
  static final class SameActionRun {
    private final int limit;
    private int last = -1;
    private int length;

    SameActionRun(int limit) {
      this.limit = limit;
    }

    /** Adds the next action; true once the last {@code limit} actions were all this one. */
    boolean add(int action) {
      length = action == last ? length + 1 : 1;
      last = action;
      return length >= limit;
    }
  }

  /**
   * Numbers each action by its joystick direction, so that an action and its FIRE twin (Pong's
   * RIGHT and RIGHTFIRE, which move the paddle alike) share one: {@code NOOP, FIRE, RIGHT, LEFT,
   * RIGHTFIRE, LEFTFIRE} gives {@code 0, 0, 1, 2, 1, 2}.
   */
  static int[] directions(String[] meanings) {
    List<String> seen = new ArrayList<>();
    int[] directions = new int[meanings.length];
    for (int a = 0; a < meanings.length; a++) {
      String direction = meanings[a].replace("FIRE", "");
      direction = direction.isEmpty() ? "NOOP" : direction;
      if (!seen.contains(direction)) {
        seen.add(direction);
      }
      directions[a] = seen.indexOf(direction);
    }
    return directions;
  }

  /**
   * The direction whose actions are together the most probable. Greedy play takes the single most
   * probable action, and where twins split their probability that action can move the other way:
   * the test games report how often that happened ({@code direction_flips_pct}), one suspect when a
   * policy that wins when sampled loses when played greedily.
   */
  static int mostProbableDirection(int[] directions, float[] probabilities) {
    float[] sums = new float[directions.length];
    for (int a = 0; a < directions.length; a++) {
      sums[directions[a]] += probabilities[a];
    }
    int best = 0;
    for (int d = 1; d < sums.length; d++) {
      best = sums[d] > sums[best] ? d : best;
    }
    return best;
  }

  /** The checkpoint's tensors in the network's order, checked by name and size. */
  private static List<ByteBuffer> weightsFor(ActorCritic model, Checkpoint checkpoint) {
    List<ParameterSpec> specs = model.parameters();
    List<Tensor> tensors = checkpoint.getWeightsList();
    if (tensors.size() != specs.size()) {
      throw new IllegalArgumentException("the checkpoint holds " + tensors.size() + " tensors, this env's network has "
          + specs.size() + ": was it trained on another env?");
    }
    List<ByteBuffer> weights = new ArrayList<>();
    for (int t = 0; t < specs.size(); t++) {
      Tensor tensor = tensors.get(t);
      ParameterSpec spec = specs.get(t);
      if (!tensor.getName().equals(spec.name()) || tensor.getData().size() != spec.elementCount() * Float.BYTES) {
        throw new IllegalArgumentException("the checkpoint's tensor '" + tensor.getName() + "' (" + tensor.getShapeList()
            + ") does not fit this env's network, which expects '" + spec.name() + "' " + Arrays.toString(spec.shape()));
      }
      weights.add(tensor.getData().asReadOnlyByteBuffer());
    }
    return weights;
  }
}
