package io.mailbridge.crm.control;

import io.mailbridge.message.CalendarEvent;
import io.mailbridge.message.MailMessage;
import io.mailbridge.platform.problem.DomainProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one path by which emails enter the CRM, used by manual logging and capture alike. Storing the
 * same message again (same org and Message-ID, or provider item id when there is none) adds the new
 * links to the one activity instead of making a second, also when two threads race.
 */
@ApplicationScoped
public class ActivityStore {

  private static final int ATTEMPTS = 3;
  private static final Logger LOG = Logger.getLogger(ActivityStore.class.getName());

  @Inject ActivityWriter writer;
  @Inject Event<EmailStored> emailStored;

  public StoredActivity storeEmail(
      String orgId, MailMessage message, Collection<String> recordIds, String storedBy) {
    List<String> ids = recordIds == null ? List.of() : List.copyOf(recordIds);
    return stored(
        orgId, message, retryingRaces(() -> writer.storeEmail(orgId, message, ids, storedBy)));
  }

  /**
   * Stores an email that capture found in a mailbox: the same path, so a message already logged or
   * captured from another mailbox gains the new links and this mailbox as another owner instead of
   * becoming a second activity.
   */
  public StoredActivity storeCapturedEmail(
      String orgId,
      MailMessage message,
      Collection<String> recordIds,
      String ownerUserId,
      String mailboxId) {
    return storeCapturedEmails(
            orgId,
            List.of(new CapturedEmail(message, recordIds == null ? null : List.copyOf(recordIds))),
            ownerUserId,
            mailboxId)
        .get(0);
  }

  /**
   * Stores what capture found on one page of a mailbox, each email as {@link #storeCapturedEmail}
   * would, in one transaction: one commit for the page instead of one per email, and each record
   * the page links to checked once. A race with another thread or node storing one of them runs the
   * whole page again, which then finds theirs. The answers are in the emails' order.
   */
  public List<StoredActivity> storeCapturedEmails(
      String orgId, List<CapturedEmail> emails, String ownerUserId, String mailboxId) {
    if (emails.isEmpty()) {
      return List.of();
    }
    List<CapturedEmail> copied = List.copyOf(emails);
    List<StoredActivity> stored =
        retryingRaces(() -> writer.storeCapturedEmails(orgId, copied, ownerUserId, mailboxId));
    for (int i = 0; i < copied.size(); i++) {
      stored(orgId, copied.get(i).message(), stored.get(i));
    }
    return stored;
  }

  /** An email capture read, with the ids of the records its participants matched. */
  public record CapturedEmail(MailMessage message, List<String> recordIds) {
    public CapturedEmail {
      recordIds = recordIds == null ? List.of() : List.copyOf(recordIds);
    }
  }

  /**
   * Takes a captured email back from one mailbox (it became private there): that mailbox is no
   * longer an owner, and the activity is deleted when no other mailbox has it and no person logged
   * it. Answers whether it was deleted.
   */
  public boolean releaseCapturedEmail(String orgId, MailMessage message, String mailboxId) {
    return writer.releaseCapturedEmail(orgId, message, mailboxId);
  }

  /**
   * The org's records with these ids, each checked once; a missing one (or another org's) is a
   * {@code NotFound}. For a use case that must know before it reads a mailbox.
   */
  public LinkTargets linkTargets(String orgId, Collection<String> recordIds) {
    List<String> ids = recordIds == null ? List.of() : List.copyOf(recordIds);
    writer.checked(orgId, ids);
    return new LinkTargets(orgId, ids);
  }

  /** Stores an email linked to records {@link #linkTargets} checked before. */
  public StoredActivity storeEmail(LinkTargets targets, MailMessage message, String storedBy) {
    return stored(
        targets.orgId(),
        message,
        retryingRaces(() -> writer.storeEmail(targets, message, storedBy)));
  }

  /** Events are stored the same way: once per org per meeting, links added, details updated. */
  public StoredActivity storeEvent(
      String orgId, CalendarEvent event, Collection<String> recordIds, String storedBy) {
    List<String> ids = recordIds == null ? List.of() : List.copyOf(recordIds);
    return retryingRaces(() -> writer.storeEvent(orgId, event, ids, storedBy));
  }

  /**
   * Stores a meeting capture found in a mailbox's calendar: the same path as {@link #storeEvent}
   * (one activity per meeting however many calendars hold it), with this mailbox as an owner that
   * knows the event by {@code itemId}. Storing it again (moved, new attendee) updates the activity
   * and adds the new links.
   */
  public StoredActivity storeCapturedEvent(
      String orgId,
      CalendarEvent event,
      Collection<String> recordIds,
      String ownerUserId,
      String mailboxId,
      String itemId) {
    List<String> ids = recordIds == null ? List.of() : List.copyOf(recordIds);
    return retryingRaces(
        () -> writer.storeCapturedEvent(orgId, event, ids, ownerUserId, mailboxId, itemId));
  }

  /**
   * Takes a captured meeting back from one mailbox, named by the event's id there: deleted when no
   * other mailbox has it and no person logged it. Answers whether it was deleted.
   */
  public boolean releaseCapturedEvent(String orgId, String mailboxId, String itemId) {
    return writer.releaseCapturedEvent(orgId, mailboxId, itemId);
  }

  public StoredActivity createTask(
      String orgId,
      String subject,
      LocalDate due,
      String status,
      Collection<String> recordIds,
      String createdBy) {
    return writer.createTask(
        orgId,
        subject,
        due,
        status,
        recordIds == null ? List.of() : List.copyOf(recordIds),
        createdBy);
  }

  /**
   * Tells the other parts; the email is stored (committed) whatever they do with it, so their
   * failure is logged, never the caller's.
   */
  private StoredActivity stored(String orgId, MailMessage message, StoredActivity activity) {
    try {
      emailStored.fire(new EmailStored(orgId, activity.id(), message));
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "An observer of a stored email failed; the email is stored: {0}",
          e.getClass().getName());
    }
    return activity;
  }

  private <T> T retryingRaces(Supplier<T> attemptOnce) {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        return attemptOnce.get();
      } catch (DomainProblem problem) {
        throw problem;
      } catch (RuntimeException e) {
        // Another thread or node stored the same message (or attachment) first: go again and
        // find theirs.
        if (!isUniqueViolation(e)) {
          throw e;
        }
        last = e;
      }
    }
    throw last;
  }

  static boolean isUniqueViolation(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("23")) {
        return true;
      }
      if (t instanceof org.hibernate.exception.ConstraintViolationException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
