/**
 * The A3C agent and learner: an {@link a3c.learner.Agent} plays (sampled actions while training,
 * greedy ones in the test games) and records a {@link a3c.learner.Rollout}; the
 * {@link a3c.learner.A3cLearner} turns the rollout into clipped gradients of the A3C loss.
 */
package a3c.learner;
