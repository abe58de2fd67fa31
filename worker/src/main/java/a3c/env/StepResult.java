package a3c.env;

/**
 * What one agent step produced.
 *
 * @param reward the raw game reward summed over the step's frames, unclipped: the learner clips
 * @param done whether the episode ended (game over, or a step or frame cap reached)
 * @param frames emulator frames this step took, fewer than {@code framesPerStep()} when the game ended early
 */
public record StepResult(double reward, boolean done, int frames) {}
