package io.mailbridge.mailbox.control;

import java.util.Optional;

/**
 * The port through which event sync reads and writes the events of a mailbox's primary calendar:
 * one implementation per {@link MailboxKind} that supports it. Events Mailbridge creates carry the
 * CRM event's id in a property of Mailbridge's own, so a deletion can tell them from events a
 * person made. A recurring series is one event (its master), whatever the provider's feed lists.
 */
public interface EventBook {

  MailboxKind kind();

  /**
   * One page of the primary calendar's changes.
   *
   * @param position where the previous page ended, or null for a full round of the calendar
   * @throws ChangePositionExpired when the provider no longer knows the position
   */
  EventPage changes(MailboxAccess mailbox, String position);

  /**
   * The CRM id in Mailbridge's mark on an event of the change feed, if it has one, read from the
   * calendar (one request). Sync asks only for events it has no pair for (a create whose answer was
   * lost, a duplicate of it), which nearly every round has none of.
   */
  Optional<String> mark(MailboxAccess mailbox, MailEvent event);

  /**
   * Creates an event in the primary calendar, marked with the CRM event's id. A create repeated
   * after its answer was lost answers the first event instead of making a second, where the
   * provider allows (Google: an event id derived from the CRM id; Graph: a transactionId derived
   * from the mailbox and the CRM id; Exchange: a look-up of the mark before the create).
   */
  MailEvent create(MailboxAccess mailbox, EventFields fields, String crmId);

  /**
   * Writes the fields of an event, only if it still has this etag.
   *
   * @throws EventChangedMeanwhile when it changed since
   * @throws io.mailbridge.platform.problem.NotFound when it is gone
   */
  MailEvent update(MailboxAccess mailbox, String eventId, String etag, EventFields fields);

  /**
   * Deletes the event if it carries this CRM id in Mailbridge's property; answers false and leaves
   * it (an event a person made, or one already gone) otherwise.
   */
  boolean deleteIfMarked(MailboxAccess mailbox, String eventId, String crmId);
}
