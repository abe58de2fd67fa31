package a3c.ps;

import a3c.proto.GetStatusResponse;
import a3c.proto.LearnerStats;
import a3c.store.ParameterStore;
import a3c.store.Snapshot;
import a3c.store.Staleness;
import java.util.function.Supplier;

/** GetStatus: where the run stands, as the launcher, the scripts and a user's grpcurl see it. */
final class ServerStatus {
  private final String envName;
  private final GlobalModel model;
  private final WorkerRegistry workers;
  private final ScoreBoard scores;
  private final StopRule stopRule;
  private final Supplier<LearnerStats> lastStats;
  private final Uptime uptime;

  ServerStatus(String envName, GlobalModel model, WorkerRegistry workers, ScoreBoard scores, StopRule stopRule,
      Supplier<LearnerStats> lastStats, Uptime uptime) {
    this.envName = envName;
    this.model = model;
    this.workers = workers;
    this.scores = scores;
    this.stopRule = stopRule;
    this.lastStats = lastStats;
    this.uptime = uptime;
  }

  GetStatusResponse now() {
    ParameterStore current = model.store();
    GetStatusResponse.Builder status = GetStatusResponse.newBuilder()
        .setInitialized(current != null)
        .setEpisodes(scores.count())
        .setMean100(Replies.nanToZero(scores.mean100()))
        .setRoundMean100(Replies.nanToZero(scores.roundMean100()))
        .setBestScore(scores.count() == 0 ? 0 : scores.best())
        .setTargetScore(stopRule.targetScore())
        .setStopMeasure(stopRule.measure().flag())
        .setRounds(scores.rounds())
        .setMaxSteps(stopRule.maxSteps())
        .setStop(stopRule.reason())
        .addAllWorkers(workers.status())
        .setUptimeSeconds(uptime.seconds())
        .setEnvName(envName)
        .setLastStats(lastStats.get());
    if (current != null) {
      Snapshot snapshot = current.snapshot();
      Staleness staleness = snapshot.staleness();
      status.setVersion(snapshot.version()).setGlobalStep(snapshot.globalStep()).setUpdates(snapshot.updates())
          .setFrames(snapshot.frames()).setMeanStaleness(staleness.mean()).setMeanRelayStaleness(staleness.relayMean())
          .setRelayedUpdates(staleness.relayedUpdates());
    }
    return status.build();
  }
}
