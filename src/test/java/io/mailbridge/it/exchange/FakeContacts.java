package io.mailbridge.it.exchange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The fake Exchange's contact folders and contacts, per impersonated mailbox: folders under
 * Contacts, contacts with their ChangeKey (new with every write) and named properties, and each
 * folder's change log, which SyncFolderItems reads.
 */
public final class FakeContacts {

  /** A contact folder of a mailbox; {@code properties} by "propertySetId|name" (lower-case set). */
  public record Folder(
      String id, String mailbox, String displayName, Map<String, String> properties) {}

  /** A contact as the store keeps it. */
  public static final class Contact {
    public final String id;
    public final String mailbox;
    public final String folderId;
    public volatile int version = 1;
    public final Map<String, String> fields = new ConcurrentHashMap<>();
    public final Map<String, String> properties = new ConcurrentHashMap<>();
    public volatile Instant modified = Instant.now();

    Contact(String id, String mailbox, String folderId) {
      this.id = id;
      this.mailbox = mailbox;
      this.folderId = folderId;
    }

    public String changeKey() {
      return "EQAAABYAAA" + Integer.toString(version, 36) + Integer.toHexString(id.hashCode());
    }

    public String field(String name) {
      return fields.get(name);
    }

    /** The emails in key order (EmailAddress1 to 3), empty ones left out. */
    public List<String> emails() {
      List<String> emails = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        String email = fields.get("EmailAddress" + i);
        if (email != null) {
          emails.add(email);
        }
      }
      return emails;
    }
  }

  /** One entry of a folder's change log. */
  record Change(String itemId, String kind) {}

  /** UpdateItem requests refused with ErrorIrresolvableConflict (a stale ChangeKey). */
  public final java.util.concurrent.atomic.AtomicInteger irresolvableConflicts =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * How many contact CreateItem requests from now on make the contact and then fail before
   * answering, as when the connection drops after Exchange wrote it.
   */
  public final java.util.concurrent.atomic.AtomicInteger createAnswersLost =
      new java.util.concurrent.atomic.AtomicInteger();

  final Map<String, Folder> folders = new ConcurrentHashMap<>();
  final Map<String, Contact> contacts = new ConcurrentHashMap<>();
  final Map<String, List<Change>> log = new ConcurrentHashMap<>();

  Folder createFolder(String mailbox, String displayName, Map<String, String> properties) {
    String id = "AQMkADfolder" + UUID.randomUUID().toString().replace("-", "") + "AAA=";
    Folder folder = new Folder(id, mailbox, displayName, Map.copyOf(properties));
    folders.put(id, folder);
    log.put(id, new CopyOnWriteArrayList<>());
    return folder;
  }

  List<Folder> foldersOf(String mailbox) {
    return folders.values().stream().filter(f -> f.mailbox().equals(mailbox)).toList();
  }

  synchronized Contact create(String mailbox, String folderId) {
    String id = "AAMkADcontact" + UUID.randomUUID().toString().replace("-", "") + "=";
    Contact contact = new Contact(id, mailbox, folderId);
    contacts.put(id, contact);
    log.get(folderId).add(new Change(id, "Create"));
    return contact;
  }

  synchronized void changed(Contact contact) {
    contact.version++;
    contact.modified = Instant.now();
    log.get(contact.folderId).add(new Change(contact.id, "Update"));
  }

  synchronized void delete(Contact contact) {
    contacts.remove(contact.id);
    log.get(contact.folderId).add(new Change(contact.id, "Delete"));
  }

  // ------------------------------------------------------------------ for the tests

  /** The folder of this mailbox with this display name, or null. */
  public Folder folderNamed(String mailbox, String displayName) {
    return foldersOf(mailbox.toLowerCase(Locale.ROOT)).stream()
        .filter(f -> f.displayName().equals(displayName))
        .findFirst()
        .orElse(null);
  }

  /** How many folders of this name the mailbox has. */
  public long foldersNamed(String mailbox, String displayName) {
    return foldersOf(mailbox.toLowerCase(Locale.ROOT)).stream()
        .filter(f -> f.displayName().equals(displayName))
        .count();
  }

  /** The contacts of the mailbox's folder of this name. */
  public List<Contact> in(String mailbox, String folderName) {
    Folder folder = folderNamed(mailbox, folderName);
    if (folder == null) {
      return List.of();
    }
    return contacts.values().stream().filter(c -> c.folderId.equals(folder.id())).toList();
  }

  /** The contact that carries this CRM id in the named property, or null. */
  public Contact withProperty(String mailbox, String folderName, String key, String value) {
    return in(mailbox, folderName).stream()
        .filter(c -> value.equals(c.properties.get(key)))
        .findFirst()
        .orElse(null);
  }

  /** A contact a person makes in the folder (as Outlook would): no Mailbridge property. */
  public Contact addByHand(
      String mailbox, String folderName, String given, String surname, String email) {
    Folder folder = Objects.requireNonNull(folderNamed(mailbox, folderName), folderName);
    Contact contact = create(folder.mailbox(), folder.id());
    contact.fields.put("GivenName", given);
    contact.fields.put("Surname", surname);
    contact.fields.put("EmailAddress1", email);
    contact.fields.put("DisplayName", given + " " + surname);
    return contact;
  }

  /** A person edits fields of a contact in Outlook: a new ChangeKey and an Update in the log. */
  public void editByHand(String id, Map<String, String> changes) {
    Contact contact = Objects.requireNonNull(contacts.get(id), id);
    synchronized (this) {
      changes.forEach(
          (k, v) -> {
            if (v == null) {
              contact.fields.remove(k);
            } else {
              contact.fields.put(k, v);
            }
          });
      changed(contact);
    }
  }

  /** A fresh map for property keys in the fake's form. */
  static Map<String, String> properties() {
    return new LinkedHashMap<>();
  }
}
