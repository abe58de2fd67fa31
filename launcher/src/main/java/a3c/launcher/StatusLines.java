package a3c.launcher;

import a3c.proto.GetStatusResponse;
import java.util.Locale;

/**
 * The launcher's progress and run-summary lines, from the server's status. Rates count only this
 * launch's steps (a resumed run's start is subtracted); numbers keep the decimal point in any
 * locale, since scripts read them.
 */
final class StatusLines {
  private StatusLines() {}

  /** @param start the counters this launch started from (a resumed run's checkpoint, else zero) */
  static String progress(GetStatusResponse status, GetStatusResponse start, double seconds) {
    long step = status.getGlobalStep();
    double stepsPerSecond = perSecond(step, start.getGlobalStep(), seconds);
    long maxSteps = status.getMaxSteps();
    String left = maxSteps > 0 && stepsPerSecond > 0 && step < maxSteps
        ? " to_step_limit=" + clock((maxSteps - step) / stepsPerSecond) : "";
    return String.format(Locale.ROOT, "progress seconds=%.0f elapsed=%s agent_steps=%d agent_steps_per_s=%.1f frames_per_s=%.0f "
        + "updates_per_s=%.2f episodes=%d mean100=%.2f round_mean100=%.2f best=%.1f%s", seconds, clock(seconds), step, stepsPerSecond,
        perSecond(status.getFrames(), start.getFrames(), seconds), perSecond(status.getUpdates(), start.getUpdates(), seconds),
        status.getEpisodes(), status.getMean100(), status.getRoundMean100(), status.getBestScore(), left);
  }

  static String summary(LaunchConfig config, GetStatusResponse last, double seconds, RunOutcome outcome) {
    GetStatusResponse start = config.resumedFrom();
    return String.format(Locale.ROOT, "run-summary env=%s workers=%d seconds=%.1f agent_steps=%d agent_steps_per_s=%.1f "
        + "updates_per_s=%.2f episodes=%d mean100=%.2f round_mean100=%.2f exit=%s", config.envName(), config.workers(), seconds,
        last.getGlobalStep(), perSecond(last.getGlobalStep(), start.getGlobalStep(), seconds),
        perSecond(last.getUpdates(), start.getUpdates(), seconds), last.getEpisodes(), last.getMean100(), last.getRoundMean100(),
        outcome.label());
  }

  private static double perSecond(long count, long countAtStart, double seconds) {
    return Math.max(0, count - countAtStart) / seconds;
  }

  private static String clock(double seconds) {
    long whole = (long) seconds;
    return String.format(Locale.ROOT, "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60);
  }
}
