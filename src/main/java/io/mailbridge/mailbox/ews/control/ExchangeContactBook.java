package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.ContactBook;
import io.mailbridge.mailbox.control.ContactChangedMeanwhile;
import io.mailbridge.mailbox.control.ContactFields;
import io.mailbridge.mailbox.control.ContactPage;
import io.mailbridge.mailbox.control.MailContact;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxNotConnected;
import io.mailbridge.mailbox.ews.stubs.BasePathToElementType;
import io.mailbridge.mailbox.ews.stubs.ContactItemType;
import io.mailbridge.mailbox.ews.stubs.ContactsFolderType;
import io.mailbridge.mailbox.ews.stubs.DeleteItemFieldType;
import io.mailbridge.mailbox.ews.stubs.DictionaryURIType;
import io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdNameType;
import io.mailbridge.mailbox.ews.stubs.EmailAddressDictionaryEntryType;
import io.mailbridge.mailbox.ews.stubs.EmailAddressDictionaryType;
import io.mailbridge.mailbox.ews.stubs.EmailAddressKeyType;
import io.mailbridge.mailbox.ews.stubs.ExtendedPropertyType;
import io.mailbridge.mailbox.ews.stubs.FolderIdType;
import io.mailbridge.mailbox.ews.stubs.ItemIdType;
import io.mailbridge.mailbox.ews.stubs.ItemType;
import io.mailbridge.mailbox.ews.stubs.PathToExtendedFieldType;
import io.mailbridge.mailbox.ews.stubs.PathToIndexedFieldType;
import io.mailbridge.mailbox.ews.stubs.PhoneNumberDictionaryEntryType;
import io.mailbridge.mailbox.ews.stubs.PhoneNumberDictionaryType;
import io.mailbridge.mailbox.ews.stubs.SetItemFieldType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsCreateOrUpdateType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.TargetFolderIdType;
import io.mailbridge.mailbox.ews.stubs.UnindexedFieldURIType;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The contacts of a user of the org's Exchange server over EWS, through the org's connection (the
 * service account impersonating the user, {@code X-AnchorMailbox} on every request): one contact
 * folder under Contacts, found by Mailbridge's mark on it (else by name) or made; its changes
 * through {@code SyncFolderItems} with the stored SyncState and then {@code GetItem} of the changed
 * contacts; writes through {@code CreateItem}, {@code UpdateItem} with the ChangeKey sync last saw
 * and {@code ConflictResolution="NeverOverwrite"} ({@code ErrorIrresolvableConflict}: {@link
 * ContactChangedMeanwhile}) and {@code DeleteItem} only after the CRM id is read back from the
 * contact. The ChangeKey serves as both version marks of {@link MailContact}.
 */
@ApplicationScoped
public class ExchangeContactBook implements ContactBook {

  /** The named property (in Mailbridge's property set) that holds a contact's CRM id. */
  static final String CRM_ID_PROPERTY = "MailbridgeCrmId";

  /** The named property that marks the folder Mailbridge made, so a rename does not lose it. */
  static final String FOLDER_MARK_PROPERTY = "MailbridgeContactFolder";

  /** The most contacts one CreateItem carries. */
  static final int CREATE_BATCH = 50;

  /** Exchange keeps three e-mail addresses per contact (EmailAddress1 to 3). */
  static final List<EmailAddressKeyType> EMAIL_KEYS =
      List.of(
          EmailAddressKeyType.EMAIL_ADDRESS_1,
          EmailAddressKeyType.EMAIL_ADDRESS_2,
          EmailAddressKeyType.EMAIL_ADDRESS_3);

  /** The phone sync carries is the contact's business phone. */
  static final String PHONE_KEY = "BusinessPhone";

  /** FindFolder answers at most this many folders under Contacts at once. */
  static final int MAX_FOLDERS = 512;

  @Inject EwsClient ews;
  @Inject ExchangeServiceAccount account;
  @Inject EwsConcurrency concurrency;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.ews.page-size", defaultValue = "512")
  int pageSize;

  @Override
  public MailboxKind kind() {
    return MailboxKind.EXCHANGE;
  }

  @Override
  public String folder(MailboxAccess mailbox, String name) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    List<ContactsFolderType> folders =
        within(
            service,
            () ->
                ews.contactFolders(
                    service.call(),
                    DistinguishedFolderIdNameType.CONTACTS,
                    List.of(folderMark()),
                    MAX_FOLDERS));
    Optional<ContactsFolderType> found =
        folders.stream()
            .filter(f -> f.getFolderId() != null && marked(f.getExtendedProperty()))
            .findFirst()
            .or(
                () ->
                    folders.stream()
                        .filter(f -> f.getFolderId() != null && name.equals(f.getDisplayName()))
                        .findFirst());
    if (found.isPresent()) {
      return found.get().getFolderId().getId();
    }
    ContactsFolderType folder = new ContactsFolderType();
    folder.setFolderClass("IPF.Contact");
    folder.setDisplayName(name);
    ExtendedPropertyType mark = new ExtendedPropertyType();
    mark.setExtendedFieldURI(folderMark());
    mark.setValue("1");
    folder.getExtendedProperty().add(mark);
    return within(
        service,
        () ->
            ews.createContactFolder(
                service.call(), DistinguishedFolderIdNameType.CONTACTS, folder));
  }

  @Override
  public ContactPage changes(MailboxAccess mailbox, String folderId, String position) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    TargetFolderIdType target = new TargetFolderIdType();
    FolderIdType id = new FolderIdType();
    id.setId(folderId);
    target.setFolderId(id);
    SyncFolderItemsResponseMessageType page =
        within(
            service,
            () -> ews.syncFolderItems(service.call(), target, position, pageSize, List.of()));
    // Only contacts are read; a distribution list in the folder arrives without an item.
    FolderChanges split = FolderChanges.of(page, SyncFolderItemsCreateOrUpdateType::getContact);
    List<MailContact> changes = new ArrayList<>();
    split.deleted().forEach(gone -> changes.add(MailContact.gone(gone)));
    List<String> changed = split.changed();
    if (!changed.isEmpty()) {
      List<ItemType> items =
          within(service, () -> ews.getItems(service.call(), changed, contactProperties()));
      for (ItemType item : items) {
        if (item instanceof ContactItemType contact && contact.getItemId() != null) {
          changes.add(contact(contact));
        }
      }
    }
    return new ContactPage(
        changes, page.getSyncState(), !Boolean.FALSE.equals(page.isIncludesLastItemInRange()));
  }

  @Override
  public MailContact create(
      MailboxAccess mailbox, String folderId, ContactFields fields, String crmId) {
    return createAll(mailbox, folderId, List.of(new NewContact(fields, crmId))).get(0);
  }

  /**
   * {@value #CREATE_BATCH} contacts a CreateItem: Exchange cuts a batch request off after a minute
   * of work, and a contact takes it milliseconds.
   */
  @Override
  public List<MailContact> createAll(
      MailboxAccess mailbox, String folderId, List<NewContact> contacts) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    List<MailContact> created = new ArrayList<>(contacts.size());
    for (int from = 0; from < contacts.size(); from += CREATE_BATCH) {
      List<NewContact> batch =
          contacts.subList(from, Math.min(contacts.size(), from + CREATE_BATCH));
      List<ContactItemType> items =
          batch.stream().map(c -> contactItem(c.fields(), c.crmId())).toList();
      List<ItemIdType> made =
          within(service, () -> ews.createContacts(service.call(), folderId, items));
      for (int i = 0; i < batch.size(); i++) {
        created.add(
            new MailContact(
                made.get(i).getId(),
                made.get(i).getChangeKey(),
                made.get(i).getChangeKey(),
                null,
                batch.get(i).fields(),
                false));
      }
    }
    return created;
  }

  private static ContactItemType contactItem(ContactFields fields, String crmId) {
    ContactItemType contact = new ContactItemType();
    ExtendedPropertyType mark = new ExtendedPropertyType();
    mark.setExtendedFieldURI(crmIdProperty());
    mark.setValue(crmId);
    contact.getExtendedProperty().add(mark);
    contact.setDisplayName(displayName(fields));
    contact.setGivenName(fields.firstName());
    contact.setCompanyName(fields.company());
    if (!fields.emails().isEmpty()) {
      EmailAddressDictionaryType emails = new EmailAddressDictionaryType();
      for (int i = 0; i < Math.min(EMAIL_KEYS.size(), fields.emails().size()); i++) {
        emails.getEntry().add(email(EMAIL_KEYS.get(i), fields.emails().get(i)));
      }
      contact.setEmailAddresses(emails);
    }
    if (fields.phone() != null) {
      PhoneNumberDictionaryType phones = new PhoneNumberDictionaryType();
      phones.getEntry().add(phone(fields.phone()));
      contact.setPhoneNumbers(phones);
    }
    contact.setJobTitle(fields.title());
    contact.setSurname(fields.lastName());
    return contact;
  }

  @Override
  public MailContact update(
      MailboxAccess mailbox, String folderId, String contactId, String etag, ContactFields fields) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    ItemIdType item = new ItemIdType();
    item.setId(contactId);
    item.setChangeKey(etag);
    ItemIdType written;
    try {
      written = within(service, () -> ews.updateItem(service.call(), item, changes(fields)));
    } catch (EwsRefused refused) {
      if ("ErrorIrresolvableConflict".equals(refused.responseCode())) {
        throw new ContactChangedMeanwhile();
      }
      throw refused;
    }
    return new MailContact(
        written.getId(), written.getChangeKey(), written.getChangeKey(), null, fields, false);
  }

  @Override
  public boolean deleteIfMarked(
      MailboxAccess mailbox, String folderId, String contactId, String crmId) {
    ExchangeServiceAccount.ServiceCall service = service(mailbox);
    List<ItemType> found =
        within(
            service,
            () ->
                ews.getItems(
                    service.call(),
                    List.of(contactId),
                    List.<BasePathToElementType>of(crmIdProperty())));
    boolean ours =
        found.stream().anyMatch(i -> crmId.equals(value(i.getExtendedProperty(), CRM_ID_PROPERTY)));
    if (!ours) {
      return false;
    }
    try {
      within(
          service,
          () -> {
            ews.deleteItem(service.call(), contactId);
            return null;
          });
    } catch (NotFound gone) {
      return false;
    }
    return true;
  }

  /**
   * The UpdateItem changes that make the contact hold these fields: a SetItemField for each value,
   * a DeleteItemField for each empty one; the company only when given (a contact's account stays as
   * its owner typed it, as with Graph).
   */
  static List<Object> changes(ContactFields fields) {
    List<Object> changes = new ArrayList<>();
    simple(
        changes,
        UnindexedFieldURIType.CONTACTS_DISPLAY_NAME,
        displayName(fields),
        ContactItemType::setDisplayName);
    simple(
        changes,
        UnindexedFieldURIType.CONTACTS_GIVEN_NAME,
        fields.firstName(),
        ContactItemType::setGivenName);
    if (fields.company() != null) {
      simple(
          changes,
          UnindexedFieldURIType.CONTACTS_COMPANY_NAME,
          fields.company(),
          ContactItemType::setCompanyName);
    }
    for (int i = 0; i < EMAIL_KEYS.size(); i++) {
      PathToIndexedFieldType path =
          indexed(DictionaryURIType.CONTACTS_EMAIL_ADDRESS, EMAIL_KEYS.get(i).value());
      if (i < fields.emails().size()) {
        ContactItemType value = new ContactItemType();
        EmailAddressDictionaryType emails = new EmailAddressDictionaryType();
        emails.getEntry().add(email(EMAIL_KEYS.get(i), fields.emails().get(i)));
        value.setEmailAddresses(emails);
        SetItemFieldType set = new SetItemFieldType();
        set.setIndexedFieldURI(path);
        set.setContact(value);
        changes.add(set);
      } else {
        DeleteItemFieldType delete = new DeleteItemFieldType();
        delete.setIndexedFieldURI(path);
        changes.add(delete);
      }
    }
    PathToIndexedFieldType phonePath = indexed(DictionaryURIType.CONTACTS_PHONE_NUMBER, PHONE_KEY);
    if (fields.phone() != null) {
      ContactItemType value = new ContactItemType();
      PhoneNumberDictionaryType phones = new PhoneNumberDictionaryType();
      phones.getEntry().add(phone(fields.phone()));
      value.setPhoneNumbers(phones);
      SetItemFieldType set = new SetItemFieldType();
      set.setIndexedFieldURI(phonePath);
      set.setContact(value);
      changes.add(set);
    } else {
      DeleteItemFieldType delete = new DeleteItemFieldType();
      delete.setIndexedFieldURI(phonePath);
      changes.add(delete);
    }
    simple(
        changes,
        UnindexedFieldURIType.CONTACTS_JOB_TITLE,
        fields.title(),
        ContactItemType::setJobTitle);
    simple(
        changes,
        UnindexedFieldURIType.CONTACTS_SURNAME,
        fields.lastName(),
        ContactItemType::setSurname);
    return changes;
  }

  private interface Setter {
    void set(ContactItemType contact, String value);
  }

  private static void simple(
      List<Object> changes, UnindexedFieldURIType uri, String value, Setter setter) {
    if (value == null || value.isBlank()) {
      DeleteItemFieldType delete = new DeleteItemFieldType();
      delete.setFieldURI(EwsClient.field(uri));
      changes.add(delete);
      return;
    }
    ContactItemType contact = new ContactItemType();
    setter.set(contact, value);
    SetItemFieldType set = new SetItemFieldType();
    set.setFieldURI(EwsClient.field(uri));
    set.setContact(contact);
    changes.add(set);
  }

  /** A contact as GetItem answers it, in sync's terms. */
  static MailContact contact(ContactItemType contact) {
    List<String> emails = new ArrayList<>();
    String phone = null;
    if (contact.getEmailAddresses() != null) {
      for (EmailAddressKeyType key : EMAIL_KEYS) {
        for (EmailAddressDictionaryEntryType entry : contact.getEmailAddresses().getEntry()) {
          if (entry.getKey() == key && entry.getValue() != null && !entry.getValue().isBlank()) {
            emails.add(withoutSmtpPrefix(entry.getValue().strip()));
          }
        }
      }
    }
    if (contact.getPhoneNumbers() != null) {
      for (PhoneNumberDictionaryEntryType entry : contact.getPhoneNumbers().getEntry()) {
        if (PHONE_KEY.equals(entry.getKey()) && entry.getValue() != null) {
          phone = blankToNull(entry.getValue());
        }
      }
    }
    String changeKey = contact.getItemId().getChangeKey();
    return new MailContact(
        contact.getItemId().getId(),
        changeKey,
        changeKey,
        contact.getLastModifiedTime() == null
            ? null
            : ExchangeCalendar.instant(contact.getLastModifiedTime()),
        new ContactFields(
            blankToNull(contact.getGivenName()),
            blankToNull(contact.getSurname()),
            emails,
            phone,
            blankToNull(contact.getJobTitle()),
            blankToNull(contact.getCompanyName())),
        false,
        // GetItem of the changed contacts asks for it (contactProperties).
        value(contact.getExtendedProperty(), CRM_ID_PROPERTY));
  }

  /** What GetItem reads of a changed contact: the fields sync carries and the CRM id. */
  static List<BasePathToElementType> contactProperties() {
    return List.of(
        EwsClient.field(UnindexedFieldURIType.ITEM_LAST_MODIFIED_TIME),
        EwsClient.field(UnindexedFieldURIType.CONTACTS_GIVEN_NAME),
        EwsClient.field(UnindexedFieldURIType.CONTACTS_SURNAME),
        EwsClient.field(UnindexedFieldURIType.CONTACTS_EMAIL_ADDRESSES),
        EwsClient.field(UnindexedFieldURIType.CONTACTS_PHONE_NUMBERS),
        EwsClient.field(UnindexedFieldURIType.CONTACTS_JOB_TITLE),
        EwsClient.field(UnindexedFieldURIType.CONTACTS_COMPANY_NAME),
        crmIdProperty());
  }

  static PathToExtendedFieldType crmIdProperty() {
    return EwsClient.stringProperty(ExchangeMailbox.LOGGED_PROPERTY_SET, CRM_ID_PROPERTY);
  }

  static PathToExtendedFieldType folderMark() {
    return EwsClient.stringProperty(ExchangeMailbox.LOGGED_PROPERTY_SET, FOLDER_MARK_PROPERTY);
  }

  private static boolean marked(List<ExtendedPropertyType> properties) {
    return value(properties, FOLDER_MARK_PROPERTY) != null;
  }

  private static String value(List<ExtendedPropertyType> properties, String name) {
    for (ExtendedPropertyType property : properties) {
      PathToExtendedFieldType uri = property.getExtendedFieldURI();
      if (uri != null
          && ExchangeMailbox.LOGGED_PROPERTY_SET.equalsIgnoreCase(uri.getPropertySetId())
          && name.equals(uri.getPropertyName())) {
        return property.getValue();
      }
    }
    return null;
  }

  private static PathToIndexedFieldType indexed(DictionaryURIType uri, String index) {
    PathToIndexedFieldType path = new PathToIndexedFieldType();
    path.setFieldURI(uri);
    path.setFieldIndex(index);
    return path;
  }

  private static EmailAddressDictionaryEntryType email(EmailAddressKeyType key, String address) {
    EmailAddressDictionaryEntryType entry = new EmailAddressDictionaryEntryType();
    entry.setKey(key);
    entry.setValue(address);
    return entry;
  }

  private static PhoneNumberDictionaryEntryType phone(String number) {
    PhoneNumberDictionaryEntryType entry = new PhoneNumberDictionaryEntryType();
    entry.setKey(PHONE_KEY);
    entry.setValue(number);
    return entry;
  }

  /** Outlook shows a contact by its display name; Exchange does not derive one over EWS. */
  static String displayName(ContactFields fields) {
    String name =
        ((fields.firstName() == null ? "" : fields.firstName())
                + " "
                + (fields.lastName() == null ? "" : fields.lastName()))
            .strip();
    if (name.isEmpty() && !fields.emails().isEmpty()) {
      return fields.emails().get(0);
    }
    return name.isEmpty() ? null : name;
  }

  // Exchange may answer an address as "SMTP:x@y" when the contact was made by another client.
  private static String withoutSmtpPrefix(String address) {
    return address.regionMatches(true, 0, "smtp:", 0, 5) ? address.substring(5) : address;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private <T> T within(ExchangeServiceAccount.ServiceCall service, Supplier<T> request) {
    return concurrency.within(service.connectionId(), request);
  }

  private ExchangeServiceAccount.ServiceCall service(MailboxAccess mailbox) {
    if (mailbox.appUser() == null) {
      throw new MailboxNotConnected(
          "Mailbridge syncs Exchange contacts only through the org's Exchange connection");
    }
    return account.call(mailbox);
  }
}
