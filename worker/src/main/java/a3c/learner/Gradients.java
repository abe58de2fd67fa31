package a3c.learner;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Clipped gradients of one rollout, as read-only little-endian float32 buffers in the model's
 * parameters() order, with the update's statistics.
 *
 * <p>The buffers are views of the memory the learner exports into (its own, or what was given to
 * {@link A3cLearner#exportGradientsInto}): send or copy them before the next finishRollout, which
 * overwrites them.
 */
public record Gradients(List<ByteBuffer> tensors, LearnerStats stats) {}
