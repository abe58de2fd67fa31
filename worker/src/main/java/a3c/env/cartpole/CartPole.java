package a3c.env.cartpole;

import a3c.env.Environment;
import a3c.env.StepResult;
import java.util.SplittableRandom;

/**
 * Gym's CartPole-v1: the constants, Euler integration and termination of {@code cartpole.py}, a
 * reward of 1 for every step including the last, and episodes truncated at 500 steps.
 *
 * <p>The state is kept in double, as Gym keeps it in Python floats; observations are its float32 cast.
 */
public final class CartPole implements Environment {

  public static final String NAME = "CartPole-v1";
  static final double GRAVITY = 9.8;
  static final double MASS_CART = 1.0;
  static final double MASS_POLE = 0.1;
  static final double TOTAL_MASS = MASS_CART + MASS_POLE;
  /** Half the pole's length, as Gym defines it. */
  static final double LENGTH = 0.5;
  static final double POLE_MASS_LENGTH = MASS_POLE * LENGTH;
  static final double FORCE_MAG = 10.0;
  static final double TAU = 0.02;
  static final double THETA_THRESHOLD = 12 * 2 * Math.PI / 360;
  static final double X_THRESHOLD = 2.4;
  static final int MAX_STEPS = 500;

  private final SplittableRandom random;
  private final int stepCap;
  private double x;
  private double xDot;
  private double theta;
  private double thetaDot;
  private int episodeSteps;
  private boolean episodeOver = true;

  /**
   * @param seed seeds the initial states of all episodes
   * @param maxEpisodeSteps caps an episode's steps below 500; 0 means the 500-step limit only
   */
  public CartPole(long seed, int maxEpisodeSteps) {
    if (maxEpisodeSteps < 0) {
      throw new IllegalArgumentException("maxEpisodeSteps must be >= 0 (0 = no cap), got " + maxEpisodeSteps);
    }
    this.random = new SplittableRandom(seed);
    this.stepCap = maxEpisodeSteps == 0 ? MAX_STEPS : Math.min(maxEpisodeSteps, MAX_STEPS);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int[] observationShape() {
    return new int[] {4};
  }

  @Override
  public int actionCount() {
    return 2;
  }

  @Override
  public int framesPerStep() {
    return 1;
  }

  @Override
  public void reset(float[] observation) {
    setState(uniform(), uniform(), uniform(), uniform());
    write(observation);
  }

  /** Starts an episode from a given state, so tests can check the dynamics against hand-computed numbers. */
  void setState(double x, double xDot, double theta, double thetaDot) {
    this.x = x;
    this.xDot = xDot;
    this.theta = theta;
    this.thetaDot = thetaDot;
    episodeSteps = 0;
    episodeOver = false;
  }

  @Override
  public StepResult step(int action, float[] observation) {
    if (action != 0 && action != 1) {
      throw new IllegalArgumentException("CartPole action must be 0 (push left) or 1 (push right), got " + action);
    }
    if (episodeOver) {
      throw new IllegalStateException("the episode is over or not started: call reset() before step()");
    }
    double force = action == 1 ? FORCE_MAG : -FORCE_MAG;
    double cosTheta = Math.cos(theta);
    double sinTheta = Math.sin(theta);
    double temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sinTheta) / TOTAL_MASS;
    double thetaAcc = (GRAVITY * sinTheta - cosTheta * temp)
        / (LENGTH * (4.0 / 3.0 - MASS_POLE * cosTheta * cosTheta / TOTAL_MASS));
    double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cosTheta / TOTAL_MASS;
    // Gym's "euler" integrator: positions move with the old velocities.
    x += TAU * xDot;
    xDot += TAU * xAcc;
    theta += TAU * thetaDot;
    thetaDot += TAU * thetaAcc;
    episodeSteps++;
    boolean fell = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
    episodeOver = fell || episodeSteps >= stepCap;
    write(observation);
    return new StepResult(1.0, episodeOver, 1);
  }

  private double uniform() {
    return random.nextDouble(-0.05, 0.05);
  }

  private void write(float[] observation) {
    if (observation.length != 4) {
      throw new IllegalArgumentException("CartPole observation must hold 4 floats, got " + observation.length);
    }
    observation[0] = (float) x;
    observation[1] = (float) xDot;
    observation[2] = (float) theta;
    observation[3] = (float) thetaDot;
  }

  @Override
  public void close() {}
}
