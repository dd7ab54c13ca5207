package io.mailbridge.platform.jobs.control;

import java.time.Instant;
import java.util.List;

/**
 * Work queued once a day for every org that has data for it (a retention run): one job per org,
 * deduplicated by the queue, so that the timers of several nodes queue one run. Implementations are
 * CDI beans; {@link DailyOrgWorkTimer} visits them all.
 */
public interface DailyOrgWork {

  /** What the log calls it, e.g. {@code capture retention}. */
  String name();

  /** The orgs to queue it for now. */
  List<String> orgs();

  /**
   * Queues the org's run as of {@code now}. Another node queueing the same run at the same moment
   * may make this fail on the dedup key; one run is enough then.
   */
  void queueFor(String orgId, Instant now);
}
