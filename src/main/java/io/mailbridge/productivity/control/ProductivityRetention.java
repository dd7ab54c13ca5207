package io.mailbridge.productivity.control;

import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.DailyOrgWork;
import io.mailbridge.platform.jobs.control.JobHandler;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.NewJob;
import io.mailbridge.productivity.entity.AvailabilityOfferState;
import io.mailbridge.productivity.entity.ScheduledSendState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.TreeSet;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The daily clean-up of one org's productivity data: scheduled sends that ended (sent, failed or
 * cancelled) longer than {@code mailbridge.scheduled-sends.keep-ended} ago go with their sealed
 * MIME, tracked emails prepared longer than {@code mailbridge.tracking.retention} ago go with their
 * opens and clicks, and availability offers that expired, or were booked, longer than {@code
 * mailbridge.availability.keep-ended} ago go with their bookings (the recipients' sealed names and
 * addresses). One batch per job run; the payload carries the moment age is judged from and the
 * counts so far, so a run that resumes after a restart goes on where it stopped.
 */
@ApplicationScoped
public class ProductivityRetention implements JobHandler, DailyOrgWork {

  public static final String RETENTION = "productivity.retention";
  static final int BATCH = 500;
  private static final Logger LOG = Logger.getLogger(ProductivityRetention.class.getName());

  @PersistenceContext EntityManager em;
  @Inject JobStore jobs;
  @Inject AuditLog audit;

  // A sent message is in the mailbox's Sent Items and on the CRM's timeline by then; the copy
  // here is only needed until it is sent and logged, or to send a failed one again.
  @Inject
  @ConfigProperty(name = "mailbridge.scheduled-sends.keep-ended", defaultValue = "P30D")
  Duration keepEnded;

  @Inject
  @ConfigProperty(name = "mailbridge.tracking.retention", defaultValue = "P730D")
  Duration trackingRetention;

  // The booked meeting is in the rep's calendar and on the CRM's timeline; the offer and the
  // recipient's name and address here only answer its booking page, which has expired by then.
  @Inject
  @ConfigProperty(name = "mailbridge.availability.keep-ended", defaultValue = "P30D")
  Duration keepEndedOffers;

  @Override
  public String kind() {
    return RETENTION;
  }

  @Override
  public String name() {
    return "productivity retention";
  }

  @Override
  public void queueFor(String orgId, Instant now) {
    requestFor(orgId, now);
  }

  /** The orgs that have scheduled sends, tracked emails or availability offers. */
  @Override
  public List<String> orgs() {
    TreeSet<String> orgs = new TreeSet<>();
    orgs.addAll(
        em.createQuery("SELECT DISTINCT s.orgId FROM ScheduledSend s", String.class)
            .getResultList());
    orgs.addAll(
        em.createQuery("SELECT DISTINCT t.orgId FROM TrackedEmail t", String.class)
            .getResultList());
    orgs.addAll(
        em.createQuery("SELECT DISTINCT o.orgId FROM AvailabilityOffer o", String.class)
            .getResultList());
    return List.copyOf(orgs);
  }

  /** Queues the org's run judging age as of {@code asOf}; one pending run per org. */
  public String requestFor(String orgId, Instant asOf) {
    return jobs.enqueue(
        NewJob.of(RETENTION, orgId, Progress.start(asOf).toPayload())
            .dedupedBy(RETENTION + ":" + orgId));
  }

  @Override
  public JobOutcome run(ClaimedJob job) {
    Progress progress = Progress.parse(job.payload());
    switch (progress.stage()) {
      case SENDS -> {
        int deleted = deleteEndedSends(job.orgId(), progress.asOf().minus(keepEnded));
        return JobOutcome.continueWith(progress.withSends(deleted).toPayload());
      }
      case TRACKING -> {
        int deleted = deleteTrackedEmails(job.orgId(), progress.asOf().minus(trackingRetention));
        return JobOutcome.continueWith(progress.withTracked(deleted).toPayload());
      }
      default -> {
        int deleted = deleteEndedOffers(job.orgId(), progress.asOf().minus(keepEndedOffers));
        Progress next = progress.withOffers(deleted);
        if (deleted == BATCH) {
          return JobOutcome.continueWith(next.toPayload());
        }
        String what =
            next.sends()
                + " scheduled sends that ended before "
                + progress.asOf().minus(keepEnded)
                + " and "
                + next.tracked()
                + " tracked emails prepared before "
                + progress.asOf().minus(trackingRetention)
                + " deleted, with their opens and clicks; "
                + next.offers()
                + " availability offers that expired or were booked before "
                + progress.asOf().minus(keepEndedOffers)
                + " deleted, with their bookings";
        audit.record(job.orgId(), null, RETENTION, job.orgId(), "ok", what);
        LOG.info(() -> "Productivity retention of org " + job.orgId() + ": " + what);
        return JobOutcome.done();
      }
    }
  }

  private int deleteEndedSends(String orgId, Instant cutoff) {
    List<String> ids =
        em.createQuery(
                "SELECT s.id FROM ScheduledSend s WHERE s.orgId = :org AND ((s.state = :sent"
                    + " AND s.sentAt < :cutoff) OR (s.state IN :ended AND s.updatedAt < :cutoff))"
                    + " ORDER BY s.updatedAt, s.id",
                String.class)
            .setParameter("org", orgId)
            .setParameter("sent", ScheduledSendState.SENT)
            .setParameter("ended", List.of(ScheduledSendState.FAILED, ScheduledSendState.CANCELLED))
            .setParameter("cutoff", cutoff)
            .setMaxResults(BATCH)
            .getResultList();
    if (ids.isEmpty()) {
      return 0;
    }
    return em.createQuery("DELETE FROM ScheduledSend s WHERE s.orgId = :org AND s.id IN :ids")
        .setParameter("org", orgId)
        .setParameter("ids", ids)
        .executeUpdate();
  }

  private int deleteTrackedEmails(String orgId, Instant cutoff) {
    List<String> ids =
        em.createQuery(
                "SELECT t.id FROM TrackedEmail t WHERE t.orgId = :org AND t.preparedAt < :cutoff"
                    + " ORDER BY t.preparedAt, t.id",
                String.class)
            .setParameter("org", orgId)
            .setParameter("cutoff", cutoff)
            .setMaxResults(BATCH)
            .getResultList();
    if (ids.isEmpty()) {
      return 0;
    }
    // Explicitly, not only by the foreign key's cascade: the bulk delete bypasses the entities.
    em.createQuery("DELETE FROM TrackingEvent e WHERE e.orgId = :org AND e.trackedEmailId IN :ids")
        .setParameter("org", orgId)
        .setParameter("ids", ids)
        .executeUpdate();
    return em.createQuery("DELETE FROM TrackedEmail t WHERE t.orgId = :org AND t.id IN :ids")
        .setParameter("org", orgId)
        .setParameter("ids", ids)
        .executeUpdate();
  }

  /**
   * Offers whose link expired before the cutoff, and booked offers whose booking is older than it;
   * an offer that can still be booked (open, its link not expired) never qualifies, since the
   * cutoff lies in the past. The bookings go first: they point at their offers.
   */
  private int deleteEndedOffers(String orgId, Instant cutoff) {
    List<String> ids =
        em.createQuery(
                "SELECT o.id FROM AvailabilityOffer o WHERE o.orgId = :org AND (o.expiresAt <"
                    + " :cutoff OR (o.state = :booked AND EXISTS (SELECT b.id FROM"
                    + " AvailabilityBooking b WHERE b.offerId = o.id AND b.createdAt < :cutoff)))"
                    + " ORDER BY o.expiresAt, o.id",
                String.class)
            .setParameter("org", orgId)
            .setParameter("cutoff", cutoff)
            .setParameter("booked", AvailabilityOfferState.BOOKED)
            .setMaxResults(BATCH)
            .getResultList();
    if (ids.isEmpty()) {
      return 0;
    }
    em.createQuery("DELETE FROM AvailabilityBooking b WHERE b.orgId = :org AND b.offerId IN :ids")
        .setParameter("org", orgId)
        .setParameter("ids", ids)
        .executeUpdate();
    return em.createQuery("DELETE FROM AvailabilityOffer o WHERE o.orgId = :org AND o.id IN :ids")
        .setParameter("org", orgId)
        .setParameter("ids", ids)
        .executeUpdate();
  }

  /** The parts of one run, in the order it goes through them. */
  enum Stage {
    SENDS,
    TRACKING,
    OFFERS
  }

  /**
   * Where one org's run stands: {@code asOf;sends;tracked;stage;offers} (a payload of a run queued
   * before offers were purged has no offer count; its run goes on to them all the same).
   */
  record Progress(Instant asOf, long sends, long tracked, Stage stage, long offers) {

    static Progress start(Instant asOf) {
      return new Progress(asOf.truncatedTo(ChronoUnit.SECONDS), 0, 0, Stage.SENDS, 0);
    }

    static Progress parse(String payload) {
      String[] parts = payload.split(";");
      return new Progress(
          Instant.ofEpochSecond(Long.parseLong(parts[0])),
          Long.parseLong(parts[1]),
          Long.parseLong(parts[2]),
          switch (parts[3]) {
            case "sends" -> Stage.SENDS;
            case "tracking" -> Stage.TRACKING;
            default -> Stage.OFFERS;
          },
          parts.length > 4 ? Long.parseLong(parts[4]) : 0);
    }

    /** A batch of sends deleted; a short one was the last, and tracked emails come next. */
    Progress withSends(int deleted) {
      return new Progress(
          asOf, sends + deleted, tracked, deleted < BATCH ? Stage.TRACKING : Stage.SENDS, offers);
    }

    /** A batch of tracked emails deleted; a short one was the last, and offers come next. */
    Progress withTracked(int deleted) {
      return new Progress(
          asOf, sends, tracked + deleted, deleted < BATCH ? Stage.OFFERS : Stage.TRACKING, offers);
    }

    Progress withOffers(int deleted) {
      return new Progress(asOf, sends, tracked, Stage.OFFERS, offers + deleted);
    }

    String toPayload() {
      return asOf.getEpochSecond()
          + ";"
          + sends
          + ";"
          + tracked
          + ";"
          + stage.name().toLowerCase(java.util.Locale.ROOT)
          + ";"
          + offers;
    }
  }
}
