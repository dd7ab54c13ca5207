package io.mailbridge.mailbox.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The port through which contact sync reads and writes the contacts of one folder of a mailbox: one
 * implementation per {@link MailboxKind} that supports it (Graph: a contact folder; Google: a
 * contact group, whose resource name is the folder id). Contacts Mailbridge creates carry the CRM
 * record's id in a property of Mailbridge's own, so a deletion can tell them from contacts a person
 * made.
 */
public interface ContactBook {

  MailboxKind kind();

  /** The id of the contact folder with this name, created when the mailbox has none. */
  String folder(MailboxAccess mailbox, String name);

  /**
   * One page of the folder's changes.
   *
   * @param position where the previous page ended, or null for a full round of the folder
   * @throws ChangePositionExpired when the provider no longer knows the position
   */
  ContactPage changes(MailboxAccess mailbox, String folderId, String position);

  /**
   * The CRM id in Mailbridge's mark on a contact of the change feed, if it has one. Sync asks only
   * for contacts it has no pair for (a create whose answer was lost, a duplicate of it), so a book
   * whose feed does not carry the mark may read it here, one request per contact; the default
   * answers what the feed brought.
   */
  default Optional<String> mark(MailboxAccess mailbox, String folderId, MailContact contact) {
    return Optional.ofNullable(contact.crmMark());
  }

  /** Creates a contact in the folder, marked with the CRM record's id. */
  MailContact create(MailboxAccess mailbox, String folderId, ContactFields fields, String crmId);

  /** A contact to create: its fields and the id of the CRM record it is marked with. */
  record NewContact(ContactFields fields, String crmId) {}

  /**
   * Creates these contacts in the folder, each marked with its CRM record's id, and answers them in
   * the same order. One by one unless the provider has a call that creates many at once (Google:
   * {@code people:batchCreateContacts}), which spares a rep's first sync thousands of calls.
   */
  default List<MailContact> createAll(
      MailboxAccess mailbox, String folderId, List<NewContact> contacts) {
    List<MailContact> created = new ArrayList<>(contacts.size());
    for (NewContact contact : contacts) {
      created.add(create(mailbox, folderId, contact.fields(), contact.crmId()));
    }
    return created;
  }

  /**
   * Writes the fields of a contact, only if it still has this etag.
   *
   * @throws ContactChangedMeanwhile when it changed since
   */
  MailContact update(
      MailboxAccess mailbox, String folderId, String contactId, String etag, ContactFields fields);

  /**
   * Deletes the contact if it carries this CRM id in Mailbridge's property; answers false and
   * leaves it (a contact a person made, or one already gone) otherwise.
   */
  boolean deleteIfMarked(MailboxAccess mailbox, String folderId, String contactId, String crmId);
}
