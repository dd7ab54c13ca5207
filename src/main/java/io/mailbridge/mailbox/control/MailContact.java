package io.mailbridge.mailbox.control;

import java.time.Instant;

/**
 * A contact in a mailbox as sync sees it: the provider's id, the version marks that change with
 * every write (Graph: {@code changeKey} and {@code @odata.etag}; Google: the person's {@code etag}
 * as both), when it was last changed, its fields, and the CRM id of Mailbridge's mark where the
 * change feed carries it (null: unmarked, or a feed that does not carry it, see {@link
 * ContactBook#mark}); a contact the change feed reports as gone has only its id.
 */
public record MailContact(
    String id,
    String changeKey,
    String etag,
    Instant modifiedAt,
    ContactFields fields,
    boolean removed,
    String crmMark) {

  /** A contact whose mark the change feed does not carry (or that has none). */
  public MailContact(
      String id,
      String changeKey,
      String etag,
      Instant modifiedAt,
      ContactFields fields,
      boolean removed) {
    this(id, changeKey, etag, modifiedAt, fields, removed, null);
  }

  public static MailContact gone(String id) {
    return new MailContact(id, null, null, null, null, true);
  }
}
