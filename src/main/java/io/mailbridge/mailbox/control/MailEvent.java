package io.mailbridge.mailbox.control;

import java.time.Instant;

/**
 * An event of a calendar as event sync sees it: the provider's id and iCalendar UID, the version
 * marks that change with every write (Graph: {@code changeKey} and {@code @odata.etag}; Google: its
 * {@code etag}, with its exceptions' for a series), when it was last changed, its fields and its
 * online meeting's join link; an event the change feed reports as gone has only its id.
 */
public record MailEvent(
    String id,
    String iCalUid,
    String changeKey,
    String etag,
    Instant modifiedAt,
    EventFields fields,
    String onlineMeetingUrl,
    boolean removed) {

  public static MailEvent gone(String id) {
    return new MailEvent(id, null, null, null, null, null, null, true);
  }
}
