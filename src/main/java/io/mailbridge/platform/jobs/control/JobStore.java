package io.mailbridge.platform.jobs.control;

import io.mailbridge.platform.base.OpaqueId;
import io.mailbridge.platform.base.SqlTime;
import io.mailbridge.platform.database.control.MailbridgeDataSource;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The {@code job} table: enqueue, claim with {@code FOR UPDATE SKIP LOCKED} and a lease, and record
 * how a run ended. A run's outcome is only recorded while its lease is still held, so a node that
 * lost its lease cannot overwrite the work of the node that took over.
 */
@ApplicationScoped
public class JobStore {

  private static final int MAX_ERROR = 500;
  private static final int MAX_PAYLOAD = 4000;

  @Resource(lookup = MailbridgeDataSource.JNDI_NAME)
  DataSource dataSource;

  @Inject
  @ConfigProperty(name = "mailbridge.jobs.max-attempts", defaultValue = "8")
  int defaultMaxAttempts;

  @Inject
  @ConfigProperty(name = "mailbridge.jobs.backoff-base", defaultValue = "PT10S")
  Duration backoffBase;

  @Inject
  @ConfigProperty(name = "mailbridge.jobs.backoff-max", defaultValue = "PT1H")
  Duration backoffMax;

  @Inject Event<JobQueued> queued;

  Clock clock = Clock.systemUTC();

  /**
   * Queues a job inside the caller's transaction; with a dedup key, pending work with the same key
   * is returned instead of queuing it twice.
   */
  @Transactional
  public String enqueue(NewJob job) {
    if (job.payload() != null && job.payload().length() > MAX_PAYLOAD) {
      throw new IllegalArgumentException("Job payloads hold ids and cursors, not data");
    }
    try (Connection c = dataSource.getConnection()) {
      if (job.dedupKey() != null) {
        try (PreparedStatement find =
            c.prepareStatement("SELECT id FROM job WHERE dedup_key = ?")) {
          find.setString(1, job.dedupKey());
          try (ResultSet rs = find.executeQuery()) {
            if (rs.next()) {
              return rs.getString(1);
            }
          }
        }
      }
      String id = OpaqueId.next();
      Instant now = clock.instant();
      try (PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO job (id, kind, org_id, payload, state, run_at, attempts, max_attempts,"
                  + " dedup_key, created_at, updated_at) VALUES (?, ?, ?, ?, 'READY', ?, 0, ?, ?, ?, ?)")) {
        insert.setString(1, id);
        insert.setString(2, job.kind());
        insert.setString(3, job.orgId());
        insert.setString(4, job.payload());
        insert.setObject(5, SqlTime.utc(job.runAt() == null ? now : job.runAt()));
        insert.setInt(6, job.maxAttempts() > 0 ? job.maxAttempts() : defaultMaxAttempts);
        insert.setString(7, job.dedupKey());
        insert.setObject(8, SqlTime.utc(now));
        insert.setObject(9, SqlTime.utc(now));
        insert.executeUpdate();
      }
      if (queued != null && (job.runAt() == null || !job.runAt().isAfter(now))) {
        queued.fire(new JobQueued(job.kind()));
      }
      return id;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot queue a " + job.kind() + " job", e);
    }
  }

  /**
   * Lets new work with this running job's dedup key queue a job of its own from now on (in the
   * caller's transaction): for work that coalesces requests until it starts, such as "sync this
   * mailbox", where a request that arrives while the job runs must not be swallowed by it.
   */
  @Transactional
  public void releaseDedupKey(String jobId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement update =
            c.prepareStatement(
                "UPDATE job SET dedup_key = NULL WHERE id = ? AND state = 'RUNNING'")) {
      update.setString(1, jobId);
      update.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot release a job's dedup key", e);
    }
  }

  /**
   * The id of another job of {@code job}'s kind, working on one of {@code payloads}, that is
   * running under a live lease and was claimed before {@code job} (the job id breaking a tie), if
   * any. Of several runs of the same work claimed at once, exactly one sees none: it goes on, the
   * others wait for it ({@link JobOutcome#continueAfterRunOf}).
   */
  public Optional<String> runClaimedEarlierElsewhere(ClaimedJob job, Collection<String> payloads) {
    if (payloads.isEmpty()) {
      return Optional.empty();
    }
    String in = String.join(", ", Collections.nCopies(payloads.size(), "?"));
    try (Connection c = dataSource.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT other.id FROM job other, job me WHERE me.id = ? AND other.id <> me.id"
                    + " AND other.kind = ? AND other.state = 'RUNNING'"
                    + " AND other.lease_expires_at > ? AND other.payload IN ("
                    + in
                    + ") AND (other.updated_at < me.updated_at"
                    + " OR (other.updated_at = me.updated_at AND other.id < me.id))"
                    + " ORDER BY other.updated_at, other.id")) {
      int i = 1;
      select.setString(i++, job.id());
      select.setString(i++, job.kind());
      select.setObject(i++, SqlTime.utc(clock.instant()));
      for (String payload : payloads) {
        select.setString(i++, payload);
      }
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot look for other runs of a job's work", e);
    }
  }

  /** Takes up to {@code limit} due jobs (or jobs whose lease expired) for {@code owner}. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public List<ClaimedJob> claim(String owner, int limit, Duration lease) {
    if (limit <= 0) {
      return List.of();
    }
    Instant now = clock.instant();
    List<ClaimedJob> claimed = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      List<String[]> rows = new ArrayList<>();
      try (PreparedStatement select =
          c.prepareStatement(
              "SELECT id, kind, org_id, payload, attempts FROM job"
                  + " WHERE (state = 'READY' AND run_at <= ?)"
                  + " OR (state = 'RUNNING' AND lease_expires_at < ?)"
                  + " ORDER BY run_at LIMIT ? FOR UPDATE SKIP LOCKED")) {
        select.setObject(1, SqlTime.utc(now));
        select.setObject(2, SqlTime.utc(now));
        select.setInt(3, limit);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            rows.add(
                new String[] {
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  Integer.toString(rs.getInt(5))
                });
          }
        }
      }
      // The condition is checked again on the row as it is now: H2 does not re-check a row that
      // another claimer changed between this SELECT and its lock, PostgreSQL does.
      try (PreparedStatement take =
          c.prepareStatement(
              "UPDATE job SET state = 'RUNNING', lease_owner = ?, lease_expires_at = ?,"
                  + " attempts = attempts + 1, updated_at = ? WHERE id = ?"
                  + " AND ((state = 'READY' AND run_at <= ?)"
                  + " OR (state = 'RUNNING' AND lease_expires_at < ?))")) {
        for (String[] row : rows) {
          take.setString(1, owner);
          take.setObject(2, SqlTime.utc(now.plus(lease)));
          take.setObject(3, SqlTime.utc(now));
          take.setString(4, row[0]);
          take.setObject(5, SqlTime.utc(now));
          take.setObject(6, SqlTime.utc(now));
          if (take.executeUpdate() == 1) {
            claimed.add(
                new ClaimedJob(
                    row[0], row[1], row[2], row[3], Integer.parseInt(row[4]) + 1, owner));
          }
        }
      }
      return claimed;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot claim jobs", e);
    }
  }

  /**
   * Records a finished run, or puts the job back with its next payload; false if the lease was
   * lost.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public boolean finish(ClaimedJob job, JobOutcome outcome) {
    Instant now = clock.instant();
    String sql =
        outcome.finished()
            ? "UPDATE job SET state = 'DONE', dedup_key = NULL, lease_owner = NULL,"
                + " lease_expires_at = NULL, last_error = NULL, updated_at = ?"
                + " WHERE id = ? AND lease_owner = ? AND state = 'RUNNING'"
            : "UPDATE job SET state = 'READY', attempts = 0, payload = ?, run_at = ?,"
                + " waits_for = ?, lease_owner = NULL, lease_expires_at = NULL, last_error = NULL,"
                + " updated_at = ? WHERE id = ? AND lease_owner = ? AND state = 'RUNNING'";
    try (Connection c = dataSource.getConnection();
        PreparedStatement update = c.prepareStatement(sql)) {
      int i = 1;
      if (!outcome.finished()) {
        update.setString(i++, outcome.nextPayload());
        update.setObject(i++, SqlTime.utc(now.plus(outcome.delay())));
        update.setString(i++, outcome.waitsFor());
      }
      update.setObject(i++, SqlTime.utc(now));
      update.setString(i++, job.id());
      update.setString(i, job.leaseOwner());
      boolean recorded = update.executeUpdate() == 1;
      if (recorded) {
        wakeWaitingFor(c, job.id(), now);
      }
      return recorded;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot record the end of a job", e);
    }
  }

  /**
   * Makes the jobs that wait for this run's end due now; they look again for overlapping runs when
   * they start.
   */
  private static void wakeWaitingFor(Connection c, String jobId, Instant now) throws SQLException {
    try (PreparedStatement wake =
        c.prepareStatement(
            "UPDATE job SET run_at = ?, waits_for = NULL, updated_at = ?"
                + " WHERE waits_for = ? AND state = 'READY'")) {
      wake.setObject(1, SqlTime.utc(now));
      wake.setObject(2, SqlTime.utc(now));
      wake.setString(3, jobId);
      wake.executeUpdate();
    }
  }

  /**
   * Records a failed run: retried after exponential backoff (or the handler's own delay), parked
   * once its attempts are used up. Answers the state the job is in now ({@code READY} to retry, or
   * {@code PARKED}), or empty if the lease was lost meanwhile.
   */
  public Optional<JobState> fail(ClaimedJob job, Throwable error, Duration retryAfter) {
    return fail(
        job,
        error,
        retryAfter == null
            ? new RetryDecision(RetryDecision.Next.BACK_OFF, null)
            : new RetryDecision(RetryDecision.Next.RETRY_AFTER, retryAfter));
  }

  /**
   * Records a failed run as {@code decision} says: after its wait or after backoff, or parked at
   * once; parked in any case once its attempts are used up. Answers the state the job is in now, or
   * empty if the lease was lost meanwhile.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Optional<JobState> fail(ClaimedJob job, Throwable error, RetryDecision decision) {
    Instant now = clock.instant();
    try (Connection c = dataSource.getConnection()) {
      int attempts;
      int maxAttempts;
      try (PreparedStatement select =
          c.prepareStatement(
              "SELECT attempts, max_attempts FROM job WHERE id = ? AND lease_owner = ?"
                  + " AND state = 'RUNNING' FOR UPDATE")) {
        select.setString(1, job.id());
        select.setString(2, job.leaseOwner());
        try (ResultSet rs = select.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          attempts = rs.getInt(1);
          maxAttempts = rs.getInt(2);
        }
      }
      boolean park = attempts >= maxAttempts || decision.parks();
      Duration delay = decision.after() != null ? decision.after() : backoff(attempts);
      try (PreparedStatement update =
          c.prepareStatement(
              park
                  ? "UPDATE job SET state = 'PARKED', dedup_key = NULL, lease_owner = NULL,"
                      + " lease_expires_at = NULL, last_error = ?, updated_at = ? WHERE id = ?"
                  : "UPDATE job SET state = 'READY', run_at = ?, lease_owner = NULL,"
                      + " lease_expires_at = NULL, last_error = ?, updated_at = ? WHERE id = ?")) {
        int i = 1;
        if (!park) {
          update.setObject(i++, SqlTime.utc(now.plus(delay)));
        }
        update.setString(i++, describe(error));
        update.setObject(i++, SqlTime.utc(now));
        update.setString(i, job.id());
        update.executeUpdate();
      }
      wakeWaitingFor(c, job.id(), now);
      return Optional.of(park ? JobState.PARKED : JobState.READY);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot record a failed job", e);
    }
  }

  /**
   * How many unfinished jobs there are of each kind, by where they are: due and {@code queued},
   * {@code scheduled} for later (retries after backoff included), {@code running} (leases that
   * expired included, until a pump takes them over) and {@code parked}. One grouped read over the
   * {@code (state, run_at)} index; finished jobs are not read.
   */
  public List<JobCount> countUnfinished() {
    Instant now = clock.instant();
    try (Connection c = dataSource.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT kind, queue_state, COUNT(*) FROM (SELECT kind, CASE"
                    + " WHEN state = 'READY' AND run_at > ? THEN 'scheduled'"
                    + " WHEN state = 'READY' THEN 'queued'"
                    + " WHEN state = 'RUNNING' THEN 'running'"
                    + " ELSE 'parked' END AS queue_state"
                    + " FROM job WHERE state IN ('READY', 'RUNNING', 'PARKED')) unfinished"
                    + " GROUP BY kind, queue_state")) {
      select.setObject(1, SqlTime.utc(now));
      List<JobCount> counts = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          counts.add(new JobCount(rs.getString(1), rs.getString(2), rs.getLong(3)));
        }
      }
      return counts;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot count the jobs", e);
    }
  }

  /** Base × 2^(attempt-1), capped, plus up to 10 % jitter so retries of many jobs spread out. */
  Duration backoff(int attempt) {
    long base = backoffBase.toMillis();
    long exponential = base << Math.min(Math.max(attempt - 1, 0), 30);
    long capped = Math.min(exponential <= 0 ? Long.MAX_VALUE : exponential, backoffMax.toMillis());
    long jitter = (long) (capped * 0.1 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis(capped + jitter);
  }

  private static final String VIEW_COLUMNS =
      "SELECT id, kind, org_id, payload, state, attempts, max_attempts, run_at,"
          + " lease_owner, lease_expires_at, last_error FROM job";

  public Optional<JobView> find(String id) {
    return one(VIEW_COLUMNS + " WHERE id = ?", id);
  }

  /** The org's most recently queued job of this kind, whatever its state: what a page shows. */
  public Optional<JobView> latest(String kind, String orgId) {
    return one(
        VIEW_COLUMNS
            + " WHERE kind = ? AND org_id = ? ORDER BY created_at DESC, id DESC FETCH FIRST 1 ROWS"
            + " ONLY",
        kind,
        orgId);
  }

  private Optional<JobView> one(String sql, String... parameters) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement select = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        select.setString(i + 1, parameters[i]);
      }
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new JobView(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                JobState.valueOf(rs.getString(5)),
                rs.getInt(6),
                rs.getInt(7),
                SqlTime.instant(rs.getObject(8, LocalDateTime.class)),
                rs.getString(9),
                SqlTime.instant(rs.getObject(10, LocalDateTime.class)),
                rs.getString(11)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read a job", e);
    }
  }

  private static String describe(Throwable error) {
    String text =
        error.getClass().getSimpleName()
            + (error.getMessage() == null ? "" : ": " + error.getMessage());
    return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) : text;
  }
}
