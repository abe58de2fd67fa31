/** The A3C learner: acts, stores a rollout, and turns it into clipped gradients of the A3C loss. */
package a3c.learner;
