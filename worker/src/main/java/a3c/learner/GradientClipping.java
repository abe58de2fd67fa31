package a3c.learner;

/** Global gradient-norm clipping with the semantics of torch.nn.utils.clip_grad_norm_. */
final class GradientClipping {

  private GradientClipping() {}

  /** The factor to multiply every gradient by: 1 unless the total norm exceeds the limit. */
  static float scale(double totalNorm, float maxGradNorm) {
    // The 1e-6 is torch's, so that a norm just over the limit clips to just under it.
    return totalNorm > maxGradNorm ? (float) (maxGradNorm / (totalNorm + 1e-6)) : 1f;
  }
}
