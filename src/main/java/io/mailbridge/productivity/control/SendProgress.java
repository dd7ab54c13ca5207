package io.mailbridge.productivity.control;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.StoredActivity;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MimeMail;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.productivity.entity.ScheduledSend;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.time.Clock;
import java.util.List;

/**
 * The steps of one send, each committed on its own so that what happened stays recorded whatever
 * happens next (a provider call in between, a node that dies): taking the send, and how the attempt
 * ended. Each step locks the row, so an owner's change and a job's step never interleave.
 */
@ApplicationScoped
public class SendProgress {

  @PersistenceContext EntityManager em;
  @Inject ActivityStore activities;
  @Inject AuditLog audit;

  Clock clock = Clock.systemUTC();

  /** What a job needs to send: never kept longer than the job's run. */
  public record Taken(
      String id,
      String orgId,
      String userId,
      String mailboxId,
      String messageId,
      byte[] mime,
      int attempts,
      boolean loggingOnly) {}

  /**
   * Takes the send for the job of {@code generation}; null when there is nothing for that job to
   * do. A send that was sent but not logged yet is handed out for logging only.
   */
  @Transactional(TxType.REQUIRES_NEW)
  public Taken take(String orgId, String id, int generation) {
    ScheduledSend send = locked(orgId, id);
    if (send == null) {
      return null;
    }
    if (send.awaitsLogging() && send.generation() == generation) {
      return taken(send, true);
    }
    if (!send.startSending(generation, clock.instant())) {
      return null;
    }
    return taken(send, false);
  }

  private static Taken taken(ScheduledSend send, boolean loggingOnly) {
    return new Taken(
        send.id(),
        send.orgId(),
        send.userId(),
        send.mailboxId(),
        send.messageId(),
        send.mime(),
        send.attempts(),
        loggingOnly);
  }

  @Transactional(TxType.REQUIRES_NEW)
  public void sent(String orgId, String id) {
    ScheduledSend send = locked(orgId, id);
    send.sent(clock.instant());
    audit.record(orgId, send.userId(), "scheduled_send.sent", id, "ok", null);
  }

  @Transactional(TxType.REQUIRES_NEW)
  public void willRetry(String orgId, String id, String reason) {
    locked(orgId, id).willRetry(reason, clock.instant());
  }

  @Transactional(TxType.REQUIRES_NEW)
  public void failed(String orgId, String id, String reason) {
    ScheduledSend send = locked(orgId, id);
    send.failed(reason, clock.instant());
    audit.record(orgId, send.userId(), "scheduled_send.failed", id, "failed", send.lastError());
  }

  /**
   * Logs the sent message to its records through the one path emails enter the CRM; the send
   * remembers the activity.
   */
  @Transactional(TxType.REQUIRES_NEW)
  public void log(String orgId, String id, String provider) {
    ScheduledSend send = locked(orgId, id);
    if (send == null || !send.awaitsLogging()) {
      return;
    }
    MailMessage message;
    try {
      message = MimeMail.read(provider, send.messageId(), send.mime(), true);
    } catch (MimeMail.UnreadableMessage e) {
      send.notLogged("the message is not readable MIME", clock.instant());
      return;
    }
    List<String> records = send.recordIds();
    StoredActivity stored = activities.storeEmail(orgId, message, records, send.userId());
    send.logged(stored.id(), clock.instant());
  }

  @Transactional(TxType.REQUIRES_NEW)
  public void notLogged(String orgId, String id, String reason) {
    locked(orgId, id).notLogged(reason, clock.instant());
  }

  private ScheduledSend locked(String orgId, String id) {
    ScheduledSend send = em.find(ScheduledSend.class, id, LockModeType.PESSIMISTIC_WRITE);
    return send != null && send.orgId().equals(orgId) ? send : null;
  }
}
