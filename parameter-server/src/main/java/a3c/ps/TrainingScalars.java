package a3c.ps;

import a3c.proto.EpisodeRecord;
import a3c.proto.LearnerStats;
import a3c.store.Snapshot;
import a3c.store.Staleness;
import a3c.tensorboard.EventWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;

/**
 * The run's scalars for TensorBoard, named as CleanRL names them: every episode's score and the
 * running means, and at most once a second the learner's loss terms, the run's rates, and the mean
 * staleness of the updates since the last time, with the relay's share of it when a worker host's
 * relay forwarded some of them.
 */
final class TrainingScalars implements AutoCloseable {
  private static final long INTERVAL_MS = 1000;
  /** What a write failure names. */
  static final String WHAT = "TensorBoard events";

  private final EventWriter events;
  private long lastMs;
  private long lastGlobalStep;
  private long lastFrames;
  private long lastUpdates;
  private Staleness lastStaleness;

  TrainingScalars(Path logDir) throws IOException {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    this.events = EventWriter.create(logDir, host.replace('/', '_').replace('\\', '_'));
  }

  synchronized void episode(EpisodeRecord episode, double mean100, double roundMean100) {
    double wall = episode.getUnixMs() / 1000.0;
    long step = episode.getGlobalStep();
    events.scalar("charts/episodic_return", (float) episode.getScore(), step, wall);
    events.scalar("charts/episodic_length", episode.getLength(), step, wall);
    events.scalar("charts/mean100", (float) mean100, step, wall);
    if (!Double.isNaN(roundMean100)) {
      events.scalar("charts/round_mean100", (float) roundMean100, step, wall);
    }
  }

  /** After an update: the loss terms the worker measured, and the rates since the last time, once a second. */
  synchronized void update(Snapshot snapshot, LearnerStats stats, long nowMs) {
    if (lastMs == 0) {
      remember(snapshot, nowMs);
      return;
    }
    long elapsedMs = nowMs - lastMs;
    if (elapsedMs < INTERVAL_MS) {
      return;
    }
    double wall = nowMs / 1000.0;
    long step = snapshot.globalStep();
    double seconds = elapsedMs / 1000.0;
    events.scalar("losses/policy_loss", stats.getPolicyLoss(), step, wall);
    events.scalar("losses/value_loss", stats.getValueLoss(), step, wall);
    events.scalar("losses/entropy", stats.getEntropy(), step, wall);
    events.scalar("losses/grad_norm", stats.getGradNorm(), step, wall);
    events.scalar("charts/SPS", (float) ((step - lastGlobalStep) / seconds), step, wall);
    events.scalar("charts/frames_per_s", (float) ((snapshot.frames() - lastFrames) / seconds), step, wall);
    events.scalar("charts/updates_per_s", (float) ((snapshot.updates() - lastUpdates) / seconds), step, wall);
    Staleness window = snapshot.staleness().since(lastStaleness);
    if (window.updates() > 0) {
      events.scalar("charts/staleness", (float) window.mean(), step, wall);
    }
    if (window.relayedUpdates() > 0) {
      events.scalar("charts/relay_staleness", (float) window.relayMean(), step, wall);
    }
    events.flush();
    remember(snapshot, nowMs);
  }

  private void remember(Snapshot snapshot, long nowMs) {
    lastMs = nowMs;
    lastGlobalStep = snapshot.globalStep();
    lastFrames = snapshot.frames();
    lastUpdates = snapshot.updates();
    lastStaleness = snapshot.staleness();
  }

  @Override
  public synchronized void close() {
    events.close();
  }
}
