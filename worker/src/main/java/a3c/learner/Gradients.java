package a3c.learner;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Clipped gradients of one rollout, as read-only little-endian float32 buffers in the model's
 * parameters() order, with the update's statistics.
 *
 * <p>The buffers are views of the memory the caller gave {@link A3cLearner#gradients}: send or copy
 * them before that memory is written again.
 */
public record Gradients(List<ByteBuffer> tensors, LearnerStats stats) {}
