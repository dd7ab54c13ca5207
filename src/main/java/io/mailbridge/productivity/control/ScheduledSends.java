package io.mailbridge.productivity.control;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.MessageSenders;
import io.mailbridge.mailbox.control.SendingMailboxes;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.NewJob;
import io.mailbridge.platform.problem.Conflict;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.productivity.entity.ScheduledSend;
import io.mailbridge.productivity.entity.ScheduledSendState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Send later, as its owner sees it: schedule a message (a draft's MIME or fields) from one of their
 * connected mailboxes, list their own, move one to another time or cancel it while it is not being
 * sent. Sending is the {@link SendLaterJob}'s; another user's or org's send is "not found".
 */
@ApplicationScoped
public class ScheduledSends {

  /** The job kind that sends at the chosen time. */
  public static final String JOB_KIND = "productivity.send-later";

  static final int MAX_RECORDS = 50;
  static final int MAX_LISTED = 200;

  @PersistenceContext EntityManager em;
  @Inject SendingMailboxes mailboxes;
  @Inject MessageSenders senders;
  @Inject ActivityStore activities;
  @Inject JobStore jobs;

  @Inject
  @ConfigProperty(name = "mailbridge.scheduled-sends.max-ahead", defaultValue = "P366D")
  Duration maxAhead;

  @Inject
  @ConfigProperty(name = "mailbridge.scheduled-sends.max-attempts", defaultValue = "6")
  int maxAttempts;

  Clock clock = Clock.systemUTC();

  /**
   * Whose sends: the caller's org and id, the mailbox their add-in session signed in with, and
   * whether that session is Outlook on the org's own Exchange server.
   */
  public record Owner(String orgId, String userId, String sessionMailbox, boolean onExchange) {
    public Owner(String orgId, String userId, String sessionMailbox) {
      this(orgId, userId, sessionMailbox, false);
    }
  }

  /**
   * What to send: exactly one of {@code mime} and {@code fields}.
   *
   * @param mailboxId the connected mailbox to send from, or null for the caller's only one
   */
  public record Draft(
      String mailboxId,
      Instant sendAt,
      byte[] mime,
      OutgoingMessage.Fields fields,
      List<String> recordIds) {}

  /** A scheduled send as its owner sees it; never the message itself. */
  public record SendView(
      String id,
      String mailboxId,
      ScheduledSendState state,
      Instant sendAt,
      String subject,
      String messageId,
      List<String> recordIds,
      int attempts,
      String problem,
      Instant sentAt,
      String activityId,
      Instant createdAt) {
    static SendView of(ScheduledSend s) {
      return new SendView(
          s.id(),
          s.mailboxId(),
          s.state(),
          s.sendAt(),
          s.subject(),
          s.messageId(),
          s.recordIds(),
          s.attempts(),
          s.lastError(),
          s.sentAt(),
          s.activityId(),
          s.createdAt());
    }
  }

  @Transactional
  public SendView schedule(Owner owner, Draft draft) {
    if ((draft.mime() == null) == (draft.fields() == null)) {
      throw new InvalidField("mime", "give either mime or the message's fields, not both");
    }
    Instant sendAt = validTime(draft.sendAt());
    List<String> records = List.copyOf(new LinkedHashSet<>(draft.recordIds()));
    if (records.size() > MAX_RECORDS) {
      throw new InvalidField("recordIds", "at most " + MAX_RECORDS + " records");
    }
    ConnectedMailbox mailbox = sendingMailbox(owner, draft.mailboxId());
    // Refused now rather than failing at the send time: only the rep can give the permission.
    mailboxes.requireSending(owner.orgId(), owner.userId(), mailbox.id());
    // Checked now, so a wrong record is the rep's answer here and not a surprise after sending.
    activities.linkTargets(owner.orgId(), records);
    OutgoingMessage message =
        draft.mime() != null
            ? OutgoingMessage.ofMime(draft.mime())
            : OutgoingMessage.compose(draft.fields(), mailbox.address());
    ScheduledSend send =
        new ScheduledSend(
            owner.orgId(),
            owner.userId(),
            mailbox.id(),
            message.messageId(),
            message.mime(),
            message.subject(),
            records,
            sendAt,
            clock.instant());
    em.persist(send);
    enqueue(send);
    return SendView.of(send);
  }

  /** The owner's sends, the latest time first. */
  public List<SendView> list(Owner owner) {
    return em.createQuery(
            "SELECT s FROM ScheduledSend s WHERE s.orgId = :org AND s.userId = :user"
                + " ORDER BY s.sendAt DESC, s.id",
            ScheduledSend.class)
        .setParameter("org", owner.orgId())
        .setParameter("user", owner.userId())
        .setMaxResults(MAX_LISTED)
        .getResultStream()
        .map(SendView::of)
        .toList();
  }

  public SendView get(Owner owner, String id) {
    return SendView.of(owned(owner, id, LockModeType.NONE));
  }

  /** Moves a send that was not sent yet (or failed) to another time. */
  @Transactional
  public SendView reschedule(Owner owner, String id, Instant sendAt) {
    Instant at = validTime(sendAt);
    ScheduledSend send = owned(owner, id, LockModeType.PESSIMISTIC_WRITE);
    try {
      send.reschedule(at, clock.instant());
    } catch (IllegalStateException e) {
      throw notPending(send);
    }
    enqueue(send);
    return SendView.of(send);
  }

  /** Cancels a send that was not sent yet (or failed); its message is deleted with it. */
  @Transactional
  public SendView cancel(Owner owner, String id) {
    ScheduledSend send = owned(owner, id, LockModeType.PESSIMISTIC_WRITE);
    try {
      send.cancel(clock.instant());
    } catch (IllegalStateException e) {
      throw notPending(send);
    }
    return SendView.of(send);
  }

  private void enqueue(ScheduledSend send) {
    // One job per time the send was given; the job of an earlier time finds another generation.
    jobs.enqueue(
        NewJob.of(JOB_KIND, send.orgId(), send.id() + ":" + send.generation())
            .dedupedBy(JOB_KIND + ":" + send.id() + ":" + send.generation())
            .notBefore(send.sendAt())
            // The job decides itself when to give up (and says why); this is a safety net.
            .withMaxAttempts(maxAttempts + 2));
  }

  private ScheduledSend owned(Owner owner, String id, LockModeType lock) {
    ScheduledSend send = id == null ? null : em.find(ScheduledSend.class, id, lock);
    if (send == null
        || !send.orgId().equals(owner.orgId())
        || !send.userId().equals(owner.userId())) {
      throw new NotFound("Scheduled send");
    }
    return send;
  }

  private static Conflict notPending(ScheduledSend send) {
    String why =
        switch (send.state()) {
          case SENDING -> "it is being sent right now";
          case SENT -> "it was sent already";
          case CANCELLED -> "it was cancelled";
          default -> "it is " + send.state().name().toLowerCase(java.util.Locale.ROOT);
        };
    return new Conflict("scheduled_send_not_pending", "This send cannot be changed: " + why);
  }

  private Instant validTime(Instant sendAt) {
    if (sendAt == null) {
      throw new InvalidField("sendAt", "is required");
    }
    Instant now = clock.instant();
    // A little in the past is "now" (clocks differ); much in the past is a mistake.
    if (sendAt.isBefore(now.minus(Duration.ofMinutes(5)))) {
      throw new InvalidField("sendAt", "is in the past");
    }
    if (sendAt.isAfter(now.plus(maxAhead))) {
      throw new InvalidField("sendAt", "is too far ahead (at most " + maxAhead.toDays() + " days)");
    }
    return sendAt;
  }

  private ConnectedMailbox sendingMailbox(Owner owner, String mailboxId) {
    return mailboxes.chosen(
        new SendingMailboxes.Asker(
            owner.orgId(), owner.userId(), owner.sessionMailbox(), owner.onExchange()),
        mailboxId,
        kind -> senders.of(kind).isPresent(),
        "is a mailbox Mailbridge cannot send from yet",
        "Connect your Microsoft 365 or Gmail mailbox first (or, on Exchange on-premises, ask an"
            + " admin to connect the org's Exchange server): send later sends through it");
  }
}
