package a3c.learner;

/**
 * What one rollout's update looked like, named like the loss terms.
 *
 * @param entropy the policy's mean entropy (the negative of the entropy loss term)
 * @param gradNorm the global gradient norm before clipping
 */
public record LearnerStats(int steps, float policyLoss, float valueLoss, float entropy, float gradNorm) {}
