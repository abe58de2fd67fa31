package a3c.ps;

import a3c.files.WriteFailures;
import a3c.proto.EpisodeRecord;
import a3c.proto.ReportEpisodeRequest;
import a3c.proto.ReportEpisodeResponse;
import a3c.store.ParameterStore;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;

/**
 * ReportEpisode: a finished episode goes on the score board, into episodes.csv and TensorBoard,
 * and may reach the target ({@link StopRule#checkScores}). Once the run has stopped, episodes are
 * answered but no longer recorded.
 */
final class EpisodeReports {
  /** Far above any Atari score; keeps the running means exact and finite. */
  static final double MAX_ABS_SCORE = 1e9;

  private final GlobalModel model;
  private final WorkerRegistry workers;
  private final ScoreBoard scores;
  private final StopRule stopRule;
  private final StopNotices stops;
  private final EpisodeLog episodeLog;
  private final TrainingScalars scalars;
  private final WriteFailures writeFailures;
  private final Clock clock;
  private final Uptime uptime;

  /**
   * @param episodeLog episodes.csv; null for none
   * @param scalars the TensorBoard scalars; null for none
   */
  EpisodeReports(GlobalModel model, WorkerRegistry workers, ScoreBoard scores, StopRule stopRule, StopNotices stops,
      EpisodeLog episodeLog, TrainingScalars scalars, WriteFailures writeFailures, Clock clock, Uptime uptime) {
    this.model = model;
    this.workers = workers;
    this.scores = scores;
    this.stopRule = stopRule;
    this.stops = stops;
    this.episodeLog = episodeLog;
    this.scalars = scalars;
    this.writeFailures = writeFailures;
    this.clock = clock;
    this.uptime = uptime;
  }

  void report(ReportEpisodeRequest request, StreamObserver<ReportEpisodeResponse> response) {
    if (!(Math.abs(request.getScore()) <= MAX_ABS_SCORE)) {
      Replies.reject(response, Status.INVALID_ARGUMENT, "episode score must be finite and within +-"
          + MAX_ABS_SCORE + ", got " + request.getScore());
      return;
    }
    if (request.getLength() < 0) {
      Replies.reject(response, Status.INVALID_ARGUMENT, "episode length " + Long.toUnsignedString(request.getLength())
          + " is out of range");
      return;
    }
    workers.touch(request.getWorkerId(), null);
    if (!stopRule.stopped()) {
      record(request);
    }
    Replies.respond(response, ReportEpisodeResponse.newBuilder().setEpisodes(scores.count())
        .setMean100(Replies.nanToZero(scores.mean100())).setStop(stops.tell(request.getWorkerId())).build());
  }

  private void record(ReportEpisodeRequest request) {
    ParameterStore current = model.store();
    long globalStep = current == null ? 0 : current.snapshot().globalStep();
    EpisodeRecord episode = EpisodeRecord.newBuilder().setWorkerId(request.getWorkerId()).setScore(request.getScore())
        .setLength(request.getLength()).setGlobalStep(globalStep).setUnixMs(clock.millis()).build();
    synchronized (scores) {
      scores.add(episode, workers.count());
      // The score board has the episode (and checkpoints keep it); a full disk must not stop training.
      if (episodeLog != null) {
        try {
          episodeLog.append(episode, uptime.seconds(), scores.mean100(), scores.roundMean100());
          writeFailures.succeeded(EpisodeLog.WHAT);
        } catch (RuntimeException e) {
          writeFailures.failed(EpisodeLog.WHAT, e);
        }
      }
      if (scalars != null) {
        scalars.episode(episode, scores.mean100(), scores.roundMean100());
      }
    }
    workers.countEpisode(request.getWorkerId());
    stopRule.checkScores(scores);
  }
}
