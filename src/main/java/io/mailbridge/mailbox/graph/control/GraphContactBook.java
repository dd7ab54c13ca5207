package io.mailbridge.mailbox.graph.control;

import com.microsoft.graph.models.Contact;
import com.microsoft.graph.models.ContactFolder;
import com.microsoft.graph.models.ContactFolderCollectionResponse;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.SingleValueLegacyExtendedProperty;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.contactfolders.item.contacts.ContactsRequestBuilder;
import com.microsoft.graph.users.item.contactfolders.item.contacts.delta.DeltaGetResponse;
import com.microsoft.graph.users.item.contactfolders.item.contacts.delta.DeltaRequestBuilder;
import com.microsoft.kiota.ApiException;
import io.mailbridge.mailbox.control.ContactBook;
import io.mailbridge.mailbox.control.ContactChangedMeanwhile;
import io.mailbridge.mailbox.control.ContactFields;
import io.mailbridge.mailbox.control.ContactPage;
import io.mailbridge.mailbox.control.MailContact;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A Microsoft 365 mailbox's contacts over Graph, in one contact folder: the folder found by name or
 * created, its changes through {@code contactFolders/{id}/contacts/delta} (Graph's 410 is {@code
 * ChangePositionExpired}), and writes: a created contact carries the CRM id in a single-value
 * extended property, an update is a {@code PATCH} with {@code If-Match} (412: {@code
 * ContactChangedMeanwhile}), and a delete happens only after reading that property back.
 */
@ApplicationScoped
public class GraphContactBook implements ContactBook {

  static final String CRM_ID_PROPERTY =
      "String {" + GraphMailbox.LOGGED_PROPERTY_SET + "} Name MailbridgeCrmId";

  static final String[] SELECT = {
    "givenName",
    "surname",
    "emailAddresses",
    "businessPhones",
    "jobTitle",
    "companyName",
    "changeKey",
    "lastModifiedDateTime"
  };

  /** Graph keeps at most three e-mail addresses per contact. */
  static final int MAX_EMAILS = 3;

  @Inject GraphMailbox graph;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.graph.page-size", defaultValue = "100")
  int pageSize;

  @Override
  public MailboxKind kind() {
    return MailboxKind.GRAPH;
  }

  @Override
  public String folder(MailboxAccess mailbox, String name) {
    GraphServiceClient client = graph.client(mailbox);
    String quoted = name.replace("'", "''");
    ContactFolderCollectionResponse found =
        graph.call(
            () ->
                GraphMailbox.mailboxOf(client, mailbox.appUser())
                    .contactFolders()
                    .get(
                        c -> {
                          c.queryParameters.filter = "displayName eq '" + quoted + "'";
                          c.options.addAll(graph.options(GraphOperation.CONTACT_FOLDER));
                        }));
    if (found != null && found.getValue() != null && !found.getValue().isEmpty()) {
      return found.getValue().get(0).getId();
    }
    ContactFolder folder = new ContactFolder();
    folder.setDisplayName(name);
    ContactFolder created =
        graph.call(
            () ->
                GraphMailbox.mailboxOf(client, mailbox.appUser())
                    .contactFolders()
                    .post(
                        folder,
                        c -> c.options.addAll(graph.onceOnly(GraphOperation.CONTACT_FOLDER))));
    if (created == null || created.getId() == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph did not answer the new folder");
    }
    return created.getId();
  }

  @Override
  public ContactPage changes(MailboxAccess mailbox, String folderId, String position) {
    GraphServiceClient client = graph.client(mailbox);
    DeltaRequestBuilder delta = contacts(client, mailbox, folderId).delta();
    DeltaRequestBuilder request = position == null ? delta : delta.withUrl(position);
    DeltaGetResponse answer =
        graph.call(
            () ->
                request.get(
                    c -> {
                      // The links carry the query of the first call; only that one sets it.
                      if (position == null) {
                        c.queryParameters.select = SELECT;
                      }
                      c.headers.add("Prefer", GraphChangeFeed.IMMUTABLE_IDS);
                      c.headers.add("Prefer", "odata.maxpagesize=" + pageSize);
                      c.options.addAll(graph.options(GraphOperation.CONTACTS_DELTA));
                    }));
    if (answer == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph sent an empty delta page");
    }
    List<MailContact> changes = new ArrayList<>();
    for (Contact contact : answer.getValue() == null ? List.<Contact>of() : answer.getValue()) {
      changes.add(
          contact.getAdditionalData().containsKey("@removed")
              ? MailContact.gone(contact.getId())
              : contact(contact));
    }
    if (answer.getOdataNextLink() != null) {
      return new ContactPage(changes, answer.getOdataNextLink(), false);
    }
    if (answer.getOdataDeltaLink() != null) {
      return new ContactPage(changes, answer.getOdataDeltaLink(), true);
    }
    throw new ProviderRefused(
        "graph_error", "Microsoft Graph sent a delta page without a next or delta link");
  }

  @Override
  public MailContact create(
      MailboxAccess mailbox, String folderId, ContactFields fields, String crmId) {
    Contact contact = graphContact(fields);
    SingleValueLegacyExtendedProperty mark = new SingleValueLegacyExtendedProperty();
    mark.setId(CRM_ID_PROPERTY);
    mark.setValue(crmId);
    contact.setSingleValueExtendedProperties(List.of(mark));
    GraphServiceClient client = graph.client(mailbox);
    Contact created =
        graph.call(
            () ->
                contacts(client, mailbox, folderId)
                    .post(
                        contact,
                        c -> {
                          c.headers.add("Prefer", GraphChangeFeed.IMMUTABLE_IDS);
                          // Not repeated blindly: a lost answer would make a second contact.
                          c.options.addAll(graph.onceOnly(GraphOperation.WRITE_CONTACT));
                        }));
    if (created == null || created.getId() == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph did not answer the new contact");
    }
    return contact(created);
  }

  @Override
  public MailContact update(
      MailboxAccess mailbox, String folderId, String contactId, String etag, ContactFields fields) {
    GraphServiceClient client = graph.client(mailbox);
    Contact changed =
        graph.call(
            () -> {
              try {
                return contacts(client, mailbox, folderId)
                    .byContactId(contactId)
                    .patch(
                        graphContact(fields),
                        c -> {
                          if (etag != null) {
                            c.headers.add("If-Match", etag);
                          }
                          c.headers.add("Prefer", GraphChangeFeed.IMMUTABLE_IDS);
                          c.options.addAll(graph.options(GraphOperation.WRITE_CONTACT));
                        });
              } catch (ApiException e) {
                if (e.getResponseStatusCode() == 412) {
                  throw new ContactChangedMeanwhile();
                }
                throw e;
              }
            });
    if (changed == null) {
      throw new ProviderRefused("graph_error", "Microsoft Graph did not answer the contact");
    }
    return contact(changed);
  }

  /** Delta has no {@code $expand}: the mark of an unpaired contact is read on its own. */
  @Override
  public Optional<String> mark(MailboxAccess mailbox, String folderId, MailContact contact) {
    return markOf(graph.client(mailbox), mailbox, folderId, contact.id());
  }

  @Override
  public boolean deleteIfMarked(
      MailboxAccess mailbox, String folderId, String contactId, String crmId) {
    GraphServiceClient client = graph.client(mailbox);
    if (!markOf(client, mailbox, folderId, contactId).filter(crmId::equals).isPresent()) {
      return false;
    }
    try {
      graph.call(
          () -> {
            contacts(client, mailbox, folderId)
                .byContactId(contactId)
                .delete(c -> c.options.addAll(graph.options(GraphOperation.DELETE_CONTACT)));
            return null;
          });
    } catch (NotFound gone) {
      return false;
    }
    return true;
  }

  /** The CRM id in Mailbridge's property on the contact; empty when it has none or is gone. */
  private Optional<String> markOf(
      GraphServiceClient client, MailboxAccess mailbox, String folderId, String contactId) {
    Contact marked;
    try {
      marked =
          graph.call(
              () ->
                  contacts(client, mailbox, folderId)
                      .byContactId(contactId)
                      .get(
                          c -> {
                            c.queryParameters.select = new String[] {"id"};
                            c.queryParameters.expand =
                                new String[] {
                                  "singleValueExtendedProperties($filter=id eq '"
                                      + CRM_ID_PROPERTY
                                      + "')"
                                };
                            c.options.addAll(graph.options(GraphOperation.READ_CONTACT));
                          }));
    } catch (NotFound gone) {
      return Optional.empty();
    }
    if (marked == null || marked.getSingleValueExtendedProperties() == null) {
      return Optional.empty();
    }
    return marked.getSingleValueExtendedProperties().stream()
        .filter(p -> CRM_ID_PROPERTY.equalsIgnoreCase(p.getId()) && p.getValue() != null)
        .map(SingleValueLegacyExtendedProperty::getValue)
        .findFirst();
  }

  private static ContactsRequestBuilder contacts(
      GraphServiceClient client, MailboxAccess mailbox, String folderId) {
    return GraphMailbox.mailboxOf(client, mailbox.appUser())
        .contactFolders()
        .byContactFolderId(folderId)
        .contacts();
  }

  /** The fields sync carries, as Graph's contact; empty ones are cleared. */
  static Contact graphContact(ContactFields fields) {
    Contact contact = new Contact();
    // Kiota leaves nulls out of a body: an empty text is how a cleared field reaches Graph.
    contact.setGivenName(orEmpty(fields.firstName()));
    contact.setSurname(orEmpty(fields.lastName()));
    List<EmailAddress> emails = new ArrayList<>();
    for (String address : fields.emails().stream().limit(MAX_EMAILS).toList()) {
      EmailAddress email = new EmailAddress();
      email.setAddress(address);
      emails.add(email);
    }
    contact.setEmailAddresses(emails);
    contact.setBusinessPhones(fields.phone() == null ? List.of() : List.of(fields.phone()));
    contact.setJobTitle(orEmpty(fields.title()));
    if (fields.company() != null) {
      // Only leads carry a company; a contact's stays as its owner typed it.
      contact.setCompanyName(fields.company());
    }
    return contact;
  }

  static MailContact contact(Contact contact) {
    List<String> emails = new ArrayList<>();
    if (contact.getEmailAddresses() != null) {
      for (EmailAddress email : contact.getEmailAddresses()) {
        if (email.getAddress() != null && !email.getAddress().isBlank()) {
          emails.add(email.getAddress());
        }
      }
    }
    List<String> phones = contact.getBusinessPhones();
    Object etag = contact.getAdditionalData().get("@odata.etag");
    Instant modified =
        contact.getLastModifiedDateTime() == null
            ? null
            : contact.getLastModifiedDateTime().toInstant();
    return new MailContact(
        contact.getId(),
        contact.getChangeKey(),
        etag == null ? null : etag.toString(),
        modified,
        new ContactFields(
            blankToNull(contact.getGivenName()),
            blankToNull(contact.getSurname()),
            emails,
            phones == null || phones.isEmpty() ? null : blankToNull(phones.get(0)),
            blankToNull(contact.getJobTitle()),
            blankToNull(contact.getCompanyName())),
        false);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
