package io.mailbridge.mailbox.control;

import java.time.Instant;

/**
 * A contact in a mailbox as sync sees it: the provider's id, the version marks that change with
 * every write (Graph: {@code changeKey} and {@code @odata.etag}; Google: the person's {@code etag}
 * as both), when it was last changed, and its fields; a contact the change feed reports as gone has
 * only its id.
 */
public record MailContact(
    String id,
    String changeKey,
    String etag,
    Instant modifiedAt,
    ContactFields fields,
    boolean removed) {

  public static MailContact gone(String id) {
    return new MailContact(id, null, null, null, null, true);
  }
}
