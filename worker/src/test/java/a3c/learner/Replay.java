package a3c.learner;

import a3c.model.ActorCritic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A rollout played by a real agent and learnt from by a real learner, recomputed here
 * independently as the loss of the model's current weights, with the LSTM inputs and the bootstrap
 * value held at what the weights of the recording gave (the learner treats both as constants).
 */
final class Replay {

  final float[][] observations;
  final float[] rewards;
  final boolean[] dones;
  final float[] next;
  final int[] actions;
  private final Agent agent;
  private final Rollout rollout;
  private final float[][] hidden;
  private final float[][] cell;
  private final float[] returns;
  private final float[] advantages;

  /**
   * Drives {@code agent} through the steps into {@code rollout}, as a worker does (a done starts the
   * LSTM state afresh), recording the actions it samples.
   */
  Replay(Agent agent, Rollout rollout, ActorCritic model, float gamma, float[][] observations,
      float[] rewards, boolean[] dones, float[] next) {
    this.agent = agent;
    this.rollout = rollout;
    this.observations = observations;
    this.rewards = rewards;
    this.dones = dones;
    this.next = next;
    this.actions = new int[observations.length];
    for (int t = 0; t < observations.length; t++) {
      actions[t] = agent.act(observations[t], rollout);
      rollout.record(rewards[t], dones[t]);
      if (dones[t]) {
        agent.resetRecurrentState();
      }
    }
    int size = model.recurrentSize();
    hidden = new float[observations.length][];
    cell = new float[observations.length][];
    float[] h = new float[size];
    float[] c = new float[size];
    for (int t = 0; t < observations.length; t++) {
      hidden[t] = h;
      cell[t] = c;
      float[][] state = step(model, observations[t], h, c);
      if (size > 0) {
        h = dones[t] ? new float[size] : state[1];
        c = dones[t] ? new float[size] : state[2];
      }
    }
    float bootstrap = step(model, next, h, c)[3][0];
    returns = Returns.discounted(clippedRewards(), dones, bootstrap, gamma);
    advantages = Returns.advantages(returns, outputs(model).values);
  }

  /** The learner's gradients of the rollout, bootstrapped from the agent's value of {@link #next}, written into fresh buffers. */
  Gradients learn(A3cLearner learner, ActorCritic model) {
    return learn(learner, A3cLearner.buffersFor(model.parameters()));
  }

  /** As {@link #learn(A3cLearner, ActorCritic)}, into the given buffers. */
  Gradients learn(A3cLearner learner, List<java.nio.ByteBuffer> into) {
    return learner.gradients(rollout, agent.value(next), into);
  }

  /** Returns logits, next hidden, next cell and value of one step from copies of {@code h} and {@code c}. */
  private static float[][] step(ActorCritic model, float[] observation, float[] h, float[] c) {
    float[] logits = new float[model.actionCount()];
    float[] hidden = h.clone();
    float[] cell = c.clone();
    float value = model.step(observation, hidden, cell, logits);
    return new float[][] {logits, hidden, cell, {value}};
  }

  /**
   * The A3C loss of the model's current weights, recomputed in double from the network's outputs.
   * The policy term uses the advantages of the recording weights: the learner stops their gradient,
   * so its gradient is the gradient of this surrogate, not of the loss with live advantages.
   */
  double loss(ActorCritic model, LearnerConfig config) {
    Outputs out = outputs(model);
    int steps = observations.length;
    double policyLoss = 0;
    double valueLoss = 0;
    double entropyLoss = 0;
    for (int t = 0; t < steps; t++) {
      double[] logProbs = logSoftmax(out.logits[t]);
      policyLoss -= logProbs[actions[t]] * advantages[t] / steps;
      valueLoss += Math.pow(returns[t] - out.values[t], 2) / steps;
      for (double logProb : logProbs) {
        entropyLoss += Math.exp(logProb) * logProb / steps;
      }
    }
    return policyLoss + config.valueLossCoef() * valueLoss + config.entropyCoef() * entropyLoss;
  }

  private record Outputs(float[][] logits, float[] values) {}

  /** Each recorded step again, from the LSTM state the recording gave it. */
  private Outputs outputs(ActorCritic model) {
    int steps = observations.length;
    float[][] logits = new float[steps][];
    float[] values = new float[steps];
    for (int t = 0; t < steps; t++) {
      float[][] out = step(model, observations[t], hidden[t], cell[t]);
      logits[t] = out[0];
      values[t] = out[3][0];
    }
    return new Outputs(logits, values);
  }

  private static double[] logSoftmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float logit : logits) {
      max = Math.max(max, logit);
    }
    double sum = 0;
    for (float logit : logits) {
      sum += Math.exp(logit - max);
    }
    double[] logProbs = new double[logits.length];
    for (int a = 0; a < logits.length; a++) {
      logProbs[a] = logits[a] - max - Math.log(sum);
    }
    return logProbs;
  }

  private float[] clippedRewards() {
    float[] clipped = Arrays.copyOf(rewards, rewards.length);
    for (int t = 0; t < clipped.length; t++) {
      clipped[t] = Math.signum(clipped[t]);
    }
    return clipped;
  }

  static float[][] randomObservations(java.util.Random random, int steps, int size) {
    float[][] observations = new float[steps][size];
    for (float[] observation : observations) {
      for (int i = 0; i < size; i++) {
        observation[i] = random.nextFloat();
      }
    }
    return observations;
  }

  static List<float[]> floats(List<java.nio.ByteBuffer> buffers) {
    List<float[]> arrays = new ArrayList<>();
    for (java.nio.ByteBuffer buffer : buffers) {
      float[] values = new float[buffer.remaining() / Float.BYTES];
      buffer.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      arrays.add(values);
    }
    return arrays;
  }

  static List<java.nio.ByteBuffer> buffers(List<float[]> arrays) {
    List<java.nio.ByteBuffer> buffers = new ArrayList<>();
    for (float[] values : arrays) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(values.length * Float.BYTES)
          .order(java.nio.ByteOrder.LITTLE_ENDIAN);
      buffer.asFloatBuffer().put(values);
      buffers.add(buffer);
    }
    return buffers;
  }
}
