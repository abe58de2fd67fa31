package a3c.learner;

import a3c.model.ActorCritic;
import a3c.model.ParameterSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a rollout into the clipped gradients of the A3C loss: the reference's
 * {@code compute_returns}, {@code update_parameters}, {@code backward} and {@code clip_grad_norm_}.
 *
 * <p>The loss's gradient with respect to the logits and values that acting produced comes in closed
 * form ({@link A3cLoss}); {@link ActorCritic#backward} carries it through the network, with the
 * per-step LSTM states it stored as inputs (no backpropagation through time across steps), as in
 * the reference. So the model must be the one the {@link Agent} acted with, and the gradients are
 * those of its current weights. Not thread-safe: one worker thread owns it.
 */
public final class A3cLearner {

  private final ActorCritic model;
  private final LearnerConfig config;
  private final float[] logitGradients;
  private final float[] valueGradients;

  public A3cLearner(ActorCritic model, LearnerConfig config) {
    this.model = model;
    this.config = config;
    this.logitGradients = new float[config.rolloutLength() * model.actionCount()];
    this.valueGradients = new float[config.rolloutLength()];
  }

  /** A rollout this learner can learn from: {@link LearnerConfig#rolloutLength()} steps of the model's actions. */
  public Rollout newRollout() {
    return new Rollout(config.rolloutLength(), model.actionCount());
  }

  /**
   * Computes the returns from {@code bootstrapValue} (the critic's value of the state after the
   * rollout, see {@link Agent#value}), the loss and its gradients, clips them to
   * {@link LearnerConfig#maxGradNorm()} and writes them into {@code into}, then clears the rollout.
   *
   * @param into direct little-endian buffers, one per parameter in {@link ActorCritic#parameters()}
   *     order and size (see {@link #buffersFor}); the caller chooses them so that they can be what it
   *     sends, a shared-memory file for one, with no copy
   * @return read-only views of {@code into}, valid until it is written again, and the update's statistics
   */
  public Gradients gradients(Rollout rollout, float bootstrapValue, List<ByteBuffer> into) {
    rollout.checkComplete();
    List<FloatBuffer> gradients = floatViews(into);
    int steps = rollout.size();
    float[] returns = Returns.discounted(Arrays.copyOf(rollout.rewards, steps),
        Arrays.copyOf(rollout.dones, steps), bootstrapValue, config.gamma());
    A3cLoss.Terms terms = A3cLoss.compute(steps, model.actionCount(), rollout.logits, rollout.values,
        rollout.actions, returns, config.valueLossCoef(), config.entropyCoef(), logitGradients, valueGradients);
    double gradNorm = Math.sqrt(model.backward(steps, logitGradients, valueGradients, gradients));
    float scale = GradientClipping.scale(gradNorm, config.maxGradNorm());
    if (scale < 1f) {
      for (FloatBuffer gradient : gradients) {
        for (int i = 0; i < gradient.capacity(); i++) {
          gradient.put(i, gradient.get(i) * scale);
        }
      }
    }
    rollout.clear();
    return new Gradients(readOnlyViews(into), new LearnerStats(
        steps, terms.policyLoss(), terms.valueLoss(), -terms.entropyLoss(), (float) gradNorm));
  }

  /** Fresh buffers that {@link #gradients} can write the gradients of a model with these parameters into. */
  public static List<ByteBuffer> buffersFor(List<ParameterSpec> parameters) {
    List<ByteBuffer> buffers = new ArrayList<>(parameters.size());
    for (ParameterSpec spec : parameters) {
      buffers.add(ByteBuffer.allocateDirect(spec.elementCount() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN));
    }
    return buffers;
  }

  /** Float views of the targets, after checking they fit: the network writes them with absolute puts. */
  private List<FloatBuffer> floatViews(List<ByteBuffer> into) {
    List<ParameterSpec> specs = model.parameters();
    if (into.size() != specs.size()) {
      throw new IllegalArgumentException("expected " + specs.size() + " gradient buffers, got " + into.size());
    }
    List<FloatBuffer> views = new ArrayList<>(into.size());
    for (int i = 0; i < specs.size(); i++) {
      ByteBuffer buffer = into.get(i);
      if (!buffer.isDirect() || buffer.order() != ByteOrder.LITTLE_ENDIAN
          || buffer.capacity() != specs.get(i).elementCount() * Float.BYTES) {
        throw new IllegalArgumentException(specs.get(i).name() + ": the gradient buffer must be direct, little-endian and hold "
            + specs.get(i).elementCount() * Float.BYTES + " bytes");
      }
      views.add(buffer.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
    }
    return views;
  }

  /** Fresh views each time, so a caller that moved a position last time reads from the start. */
  private static List<ByteBuffer> readOnlyViews(List<ByteBuffer> buffers) {
    List<ByteBuffer> views = new ArrayList<>(buffers.size());
    for (ByteBuffer buffer : buffers) {
      views.add(buffer.asReadOnlyBuffer().clear().order(ByteOrder.LITTLE_ENDIAN));
    }
    return views;
  }
}
