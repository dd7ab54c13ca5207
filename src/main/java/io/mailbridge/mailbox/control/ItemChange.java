package io.mailbridge.mailbox.control;

import io.mailbridge.message.CalendarEvent;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MessageMarks;

/**
 * One item a change feed reports: gone from the folder ({@code removed}, only {@code itemId} is
 * known), or new or changed with its participants and marks ({@code summary} has no bodies). A
 * calendar folder reports events ({@code event} set when present): their {@code summary} is the
 * meeting seen as a message (organizer as sender, attendees as recipients), so matching and the
 * capture policy treat meetings the way they treat mail.
 */
public record ItemChange(
    String itemId,
    boolean removed,
    MailMessage summary,
    MessageMarks marks,
    boolean calendar,
    CalendarEvent event) {

  /** A message's change. */
  public ItemChange(String itemId, boolean removed, MailMessage summary, MessageMarks marks) {
    this(itemId, removed, summary, marks, false, null);
  }

  public static ItemChange removed(String itemId) {
    return new ItemChange(itemId, true, null, MessageMarks.NONE);
  }

  /** An event gone from the calendar view (deleted, cancelled and removed, or moved out). */
  public static ItemChange removedEvent(String itemId) {
    return new ItemChange(itemId, true, null, MessageMarks.NONE, true, null);
  }

  /** A new or changed event, with the meeting seen as a message for matching and policy. */
  public static ItemChange event(
      String itemId, CalendarEvent event, MailMessage summary, MessageMarks marks) {
    return new ItemChange(itemId, false, summary, marks, true, event);
  }
}
