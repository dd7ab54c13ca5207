package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.people.v1.PeopleService;
import com.google.api.services.people.v1.model.BatchCreateContactsRequest;
import com.google.api.services.people.v1.model.BatchCreateContactsResponse;
import com.google.api.services.people.v1.model.ClientData;
import com.google.api.services.people.v1.model.ContactGroup;
import com.google.api.services.people.v1.model.ContactGroupMembership;
import com.google.api.services.people.v1.model.ContactToCreate;
import com.google.api.services.people.v1.model.CreateContactGroupRequest;
import com.google.api.services.people.v1.model.EmailAddress;
import com.google.api.services.people.v1.model.ListConnectionsResponse;
import com.google.api.services.people.v1.model.ListContactGroupsResponse;
import com.google.api.services.people.v1.model.Membership;
import com.google.api.services.people.v1.model.Name;
import com.google.api.services.people.v1.model.Organization;
import com.google.api.services.people.v1.model.Person;
import com.google.api.services.people.v1.model.PersonResponse;
import com.google.api.services.people.v1.model.PhoneNumber;
import com.google.api.services.people.v1.model.Source;
import io.mailbridge.mailbox.control.ChangePositionExpired;
import io.mailbridge.mailbox.control.ContactBook;
import io.mailbridge.mailbox.control.ContactChangedMeanwhile;
import io.mailbridge.mailbox.control.ContactFields;
import io.mailbridge.mailbox.control.ContactPage;
import io.mailbridge.mailbox.control.MailContact;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderOutbound;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A Google account's contacts over the People API, in one contact group: the "Mailbridge" group
 * found by name or created ({@code contactGroups.list} / {@code .create}); its changes through
 * {@code people/me/connections} with {@code requestSyncToken}, then the sync token (an expired
 * token is {@code ChangePositionExpired}); writes: a created contact joins the group and carries
 * the CRM id in its {@code clientData}, an update is {@code updateContact} carrying the etag (a
 * stale one: {@code ContactChangedMeanwhile}), and a delete happens only after reading that client
 * data back. Contacts outside the group and deleted ones read as gone, so a pair ends when its
 * contact leaves the group. Contact sync holds a lease per user, so a user's writes go one after
 * the other, as Google asks of mutations for one user.
 */
@ApplicationScoped
public class GoogleContactBook implements ContactBook {

  /** The {@code clientData} key of the CRM record's id on contacts Mailbridge created. */
  static final String CRM_ID_KEY = "MailbridgeCrmId";

  static final String ME = "people/me";

  /** What a read asks for: the synced fields, the group, Mailbridge's mark, and the times. */
  static final String PERSON_FIELDS =
      "names,emailAddresses,phoneNumbers,organizations,memberships,clientData,metadata";

  /** What an update replaces; the group and the mark are left as they are. */
  static final String UPDATED_FIELDS = "names,emailAddresses,phoneNumbers,organizations";

  private static final String PROVIDER = "google_people";
  private static final OutboundCall LIST_GROUPS = new OutboundCall(PROVIDER, "list_groups");
  private static final OutboundCall CREATE_GROUP = new OutboundCall(PROVIDER, "create_group");
  private static final OutboundCall CONNECTIONS = new OutboundCall(PROVIDER, "connections");
  private static final OutboundCall CREATE_CONTACT = new OutboundCall(PROVIDER, "create_contact");
  private static final OutboundCall BATCH_CREATE_CONTACTS =
      new OutboundCall(PROVIDER, "batch_create_contacts");

  /** The most contacts one {@code batchCreateContacts} call takes. */
  static final int BATCH_CREATE = 200;

  private static final OutboundCall READ_CONTACT = new OutboundCall(PROVIDER, "read_contact");
  private static final OutboundCall UPDATE_CONTACT = new OutboundCall(PROVIDER, "update_contact");
  private static final OutboundCall DELETE_CONTACT = new OutboundCall(PROVIDER, "delete_contact");

  @Inject OutboundHttp outbound;
  @Inject ProviderOutbound providerOutbound;

  @Inject
  @ConfigProperty(
      name = "mailbridge.google.people-url",
      defaultValue = "https://people.googleapis.com/")
  String peopleUrl;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.google.page-size", defaultValue = "1000")
  int pageSize;

  @Inject
  @ConfigProperty(name = "mailbridge.google-people.timeout", defaultValue = "PT60S")
  Duration timeout;

  @Override
  public MailboxKind kind() {
    return MailboxKind.GMAIL;
  }

  PeopleService client(String accessToken, OutboundCall operation) {
    String root = peopleUrl.endsWith("/") ? peopleUrl : peopleUrl + "/";
    OutboundGoogleTransport transport =
        new OutboundGoogleTransport(
            outbound,
            operation,
            providerOutbound.policyFor(root),
            // A page of 1,000 contacts with their fields stays well under this.
            new OutboundLimits(timeout, 16L * 1024 * 1024, 2));
    return new PeopleService.Builder(
            transport,
            GsonFactory.getDefaultInstance(),
            request -> {
              request.getHeaders().setAuthorization("Bearer " + accessToken);
              // Errors are mapped here; the library must not retry on its own.
              request.setNumberOfRetries(0);
            })
        .setRootUrl(root)
        .setApplicationName("Mailbridge")
        .build();
  }

  @Override
  public String folder(MailboxAccess mailbox, String name) {
    String token = mailbox.credential();
    String pageToken = null;
    do {
      String page = pageToken;
      ListContactGroupsResponse groups =
          call(
              () ->
                  client(token, LIST_GROUPS)
                      .contactGroups()
                      .list()
                      .setGroupFields("name,groupType")
                      .setPageSize(1000)
                      .setPageToken(page)
                      .execute());
      if (groups.getContactGroups() != null) {
        for (ContactGroup group : groups.getContactGroups()) {
          // System groups ("myContacts", "starred") have fixed names of their own.
          if ("USER_CONTACT_GROUP".equals(group.getGroupType()) && name.equals(group.getName())) {
            return group.getResourceName();
          }
        }
      }
      pageToken = groups.getNextPageToken();
    } while (pageToken != null && !pageToken.isEmpty());
    ContactGroup created =
        call(
            () ->
                client(token, CREATE_GROUP)
                    .contactGroups()
                    .create(
                        new CreateContactGroupRequest()
                            .setContactGroup(new ContactGroup().setName(name)))
                    .execute());
    if (created == null || created.getResourceName() == null) {
      throw new ProviderRefused(
          "google_people_error", "Google did not answer the new contact group");
    }
    return created.getResourceName();
  }

  @Override
  public ContactPage changes(MailboxAccess mailbox, String folderId, String position) {
    Position at = Position.parse(position);
    ListConnectionsResponse answer =
        call(
            () -> {
              PeopleService.People.Connections.List list =
                  client(mailbox.credential(), CONNECTIONS)
                      .people()
                      .connections()
                      .list(ME)
                      .setPersonFields(PERSON_FIELDS)
                      .setPageSize(pageSize);
              // Every page repeats the first call's parameters, as Google requires.
              if (at.syncToken() == null) {
                list.setRequestSyncToken(true);
              } else {
                list.setSyncToken(at.syncToken());
              }
              if (at.pageToken() != null) {
                list.setPageToken(at.pageToken());
              }
              try {
                return list.execute();
              } catch (HttpResponseException e) {
                if (at.syncToken() != null && expiredSyncToken(e)) {
                  throw new ChangePositionExpired(
                      "Google's contact sync token expired; the contacts are read again");
                }
                throw e;
              }
            });
    if (answer == null) {
      throw new ProviderRefused("google_people_error", "Google sent an empty page of contacts");
    }
    List<MailContact> changes = new ArrayList<>();
    for (Person person :
        answer.getConnections() == null ? List.<Person>of() : answer.getConnections()) {
      boolean deleted =
          person.getMetadata() != null && Boolean.TRUE.equals(person.getMetadata().getDeleted());
      changes.add(
          deleted || !memberOf(person, folderId)
              ? MailContact.gone(person.getResourceName())
              : contact(person));
    }
    if (answer.getNextPageToken() != null && !answer.getNextPageToken().isEmpty()) {
      return new ContactPage(
          changes, new Position(at.syncToken(), answer.getNextPageToken()).toString(), false);
    }
    if (answer.getNextSyncToken() != null && !answer.getNextSyncToken().isEmpty()) {
      return new ContactPage(
          changes, new Position(answer.getNextSyncToken(), null).toString(), true);
    }
    throw new ProviderRefused(
        "google_people_error", "Google sent a last page of contacts without a sync token");
  }

  @Override
  public MailContact create(
      MailboxAccess mailbox, String folderId, ContactFields fields, String crmId) {
    Person person = newPerson(folderId, fields, crmId);
    Person created =
        call(
            () ->
                client(mailbox.credential(), CREATE_CONTACT)
                    .people()
                    .createContact(person)
                    .setPersonFields(PERSON_FIELDS)
                    .execute());
    if (created == null || created.getResourceName() == null) {
      throw new ProviderRefused("google_people_error", "Google did not answer the new contact");
    }
    return contact(created);
  }

  /**
   * {@code people:batchCreateContacts}, {@value #BATCH_CREATE} contacts a call (Google's most),
   * sent one after the other as Google asks of one user's mutations. A batch is created whole or
   * refused whole; its answer is matched to the request by the CRM id each contact carries.
   */
  @Override
  public List<MailContact> createAll(
      MailboxAccess mailbox, String folderId, List<NewContact> contacts) {
    List<MailContact> created = new ArrayList<>(contacts.size());
    for (int from = 0; from < contacts.size(); from += BATCH_CREATE) {
      List<NewContact> batch =
          contacts.subList(from, Math.min(contacts.size(), from + BATCH_CREATE));
      BatchCreateContactsRequest request =
          new BatchCreateContactsRequest()
              .setReadMask(PERSON_FIELDS)
              .setContacts(
                  batch.stream()
                      .map(
                          c ->
                              new ContactToCreate()
                                  .setContactPerson(newPerson(folderId, c.fields(), c.crmId())))
                      .toList());
      BatchCreateContactsResponse answer =
          call(
              () ->
                  client(mailbox.credential(), BATCH_CREATE_CONTACTS)
                      .people()
                      .batchCreateContacts(request)
                      .execute());
      Map<String, Person> byCrmId = new HashMap<>();
      if (answer != null && answer.getCreatedPeople() != null) {
        for (PersonResponse response : answer.getCreatedPeople()) {
          String crmId = response.getPerson() == null ? null : crmIdOf(response.getPerson());
          if (crmId != null && response.getPerson().getResourceName() != null) {
            byCrmId.put(crmId, response.getPerson());
          }
        }
      }
      for (NewContact contact : batch) {
        Person person = byCrmId.get(contact.crmId());
        if (person == null) {
          throw new ProviderRefused(
              "google_people_error", "Google did not answer every contact of a batch it created");
        }
        created.add(contact(person));
      }
    }
    return created;
  }

  /** A contact of the group, marked with the CRM record's id in its client data. */
  private static Person newPerson(String folderId, ContactFields fields, String crmId) {
    Person person = person(fields, null);
    person.setMemberships(
        List.of(
            new Membership()
                .setContactGroupMembership(
                    new ContactGroupMembership().setContactGroupResourceName(folderId))));
    person.setClientData(List.of(new ClientData().setKey(CRM_ID_KEY).setValue(crmId)));
    return person;
  }

  private static String crmIdOf(Person person) {
    if (person.getClientData() == null) {
      return null;
    }
    return person.getClientData().stream()
        .filter(d -> CRM_ID_KEY.equals(d.getKey()))
        .map(ClientData::getValue)
        .findFirst()
        .orElse(null);
  }

  @Override
  public MailContact update(
      MailboxAccess mailbox, String folderId, String contactId, String etag, ContactFields fields) {
    String token = mailbox.credential();
    String company = fields.company();
    if (company == null) {
      // Title and company share Google's organization: a contact's company (which sync does not
      // carry) is read so that writing the title keeps it.
      Person current = read(token, contactId, "organizations");
      if (etag != null && current.getEtag() != null && !etag.equals(current.getEtag())) {
        throw new ContactChangedMeanwhile();
      }
      if (current.getOrganizations() != null && !current.getOrganizations().isEmpty()) {
        company = current.getOrganizations().get(0).getName();
      }
    }
    Person person = person(fields, company).setEtag(etag);
    Person changed =
        call(
            () -> {
              try {
                return client(token, UPDATE_CONTACT)
                    .people()
                    .updateContact(contactId, person)
                    .setUpdatePersonFields(UPDATED_FIELDS)
                    .setPersonFields(PERSON_FIELDS)
                    .execute();
              } catch (HttpResponseException e) {
                // Google's answer to an etag that is no longer the contact's.
                if (e.getStatusCode() == 400 && "FAILED_PRECONDITION".equals(status(e))) {
                  throw new ContactChangedMeanwhile();
                }
                throw e;
              }
            });
    if (changed == null) {
      throw new ProviderRefused("google_people_error", "Google did not answer the contact");
    }
    return contact(changed);
  }

  @Override
  public boolean deleteIfMarked(
      MailboxAccess mailbox, String folderId, String contactId, String crmId) {
    String token = mailbox.credential();
    Person marked;
    try {
      marked = read(token, contactId, "clientData");
    } catch (NotFound gone) {
      return false;
    }
    if (!crmId.equals(mark(marked))) {
      return false;
    }
    try {
      call(() -> client(token, DELETE_CONTACT).people().deleteContact(contactId).execute());
    } catch (NotFound gone) {
      return false;
    }
    return true;
  }

  private Person read(String token, String contactId, String personFields) {
    Person person =
        call(
            () ->
                client(token, READ_CONTACT)
                    .people()
                    .get(contactId)
                    .setPersonFields(personFields)
                    .execute());
    if (person == null) {
      throw new NotFound("Google contact");
    }
    return person;
  }

  private static boolean memberOf(Person person, String groupResourceName) {
    if (person.getMemberships() == null) {
      return false;
    }
    for (Membership membership : person.getMemberships()) {
      ContactGroupMembership group = membership.getContactGroupMembership();
      if (group != null && groupResourceName.equals(group.getContactGroupResourceName())) {
        return true;
      }
    }
    return false;
  }

  /** The fields sync carries, as Google's person; empty ones are left out, which clears them. */
  static Person person(ContactFields fields, String company) {
    Person person = new Person();
    person.setNames(
        List.of(
            new Name()
                .setGivenName(orEmpty(fields.firstName()))
                .setFamilyName(orEmpty(fields.lastName()))));
    List<EmailAddress> emails = new ArrayList<>();
    for (String address : fields.emails()) {
      emails.add(new EmailAddress().setValue(address).setType("work"));
    }
    person.setEmailAddresses(emails);
    person.setPhoneNumbers(
        fields.phone() == null
            ? List.of()
            : List.of(new PhoneNumber().setValue(fields.phone()).setType("work")));
    person.setOrganizations(
        fields.title() == null && company == null
            ? List.of()
            : List.of(new Organization().setTitle(fields.title()).setName(company)));
    return person;
  }

  static MailContact contact(Person person) {
    List<String> emails = new ArrayList<>();
    if (person.getEmailAddresses() != null) {
      for (EmailAddress email : person.getEmailAddresses()) {
        if (email.getValue() != null && !email.getValue().isBlank()) {
          emails.add(email.getValue());
        }
      }
    }
    Name name =
        person.getNames() == null || person.getNames().isEmpty() ? null : person.getNames().get(0);
    List<PhoneNumber> phones = person.getPhoneNumbers();
    Organization org =
        person.getOrganizations() == null || person.getOrganizations().isEmpty()
            ? null
            : person.getOrganizations().get(0);
    // Google's etag changes with every write, so it also tells Mailbridge's own writes apart.
    return new MailContact(
        person.getResourceName(),
        person.getEtag(),
        person.getEtag(),
        modifiedAt(person),
        new ContactFields(
            name == null ? null : blankToNull(name.getGivenName()),
            name == null ? null : blankToNull(name.getFamilyName()),
            emails,
            phones == null || phones.isEmpty() ? null : blankToNull(phones.get(0).getValue()),
            org == null ? null : blankToNull(org.getTitle()),
            org == null ? null : blankToNull(org.getName())),
        false,
        mark(person));
  }

  /** The CRM id in Mailbridge's {@code clientData}, or null: every read asks for it. */
  private static String mark(Person person) {
    if (person.getClientData() == null) {
      return null;
    }
    return person.getClientData().stream()
        .filter(d -> CRM_ID_KEY.equals(d.getKey()) && d.getValue() != null)
        .map(ClientData::getValue)
        .findFirst()
        .orElse(null);
  }

  /** When the contact itself (its CONTACT source) last changed, for the merge's last writer. */
  private static Instant modifiedAt(Person person) {
    if (person.getMetadata() == null || person.getMetadata().getSources() == null) {
      return null;
    }
    for (Source source : person.getMetadata().getSources()) {
      if ("CONTACT".equals(source.getType()) && source.getUpdateTime() != null) {
        try {
          return OffsetDateTime.parse(source.getUpdateTime()).toInstant();
        } catch (DateTimeParseException unreadable) {
          return null;
        }
      }
    }
    return null;
  }

  /**
   * Google's reason for a refused sync token: the {@code google.rpc.ErrorInfo} reason {@code
   * EXPIRED_SYNC_TOKEN} (with a 400 {@code FAILED_PRECONDITION}), or a 410.
   */
  static boolean expiredSyncToken(HttpResponseException e) {
    if (e.getStatusCode() == 410) {
      return true;
    }
    String content = e.getContent();
    return e.getStatusCode() == 400 && content != null && content.contains("EXPIRED_SYNC_TOKEN");
  }

  private static String status(HttpResponseException e) {
    if (e instanceof GoogleJsonResponseException json && json.getDetails() != null) {
      Object status = json.getDetails().get("status");
      if (status != null) {
        return status.toString();
      }
    }
    return null;
  }

  /**
   * A People call through the Gmail mapping of failures, with the statuses whose meaning differs
   * here: a missing contact, and quota (429 RESOURCE_EXHAUSTED) as busy with Google's wait.
   */
  private static <T> T call(GmailMailbox.GmailCall<T> call) {
    return GmailMailbox.call(
        () -> {
          try {
            return call.run();
          } catch (HttpResponseException e) {
            if (e.getStatusCode() == 404) {
              throw new NotFound("Google contact");
            }
            if (e.getStatusCode() == 429) {
              throw new ProviderBusy(
                  "google_people_busy",
                  "Google asked Mailbridge to slow down its contact requests",
                  GmailMailbox.retryAfter(e.getHeaders()));
            }
            throw e;
          }
        });
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /**
   * Where a read of the connections stands: the sync token of the round (none while the first full
   * list runs) and the next page, kept in one text as a query string.
   */
  record Position(String syncToken, String pageToken) {

    static Position parse(String position) {
      if (position == null || position.isEmpty()) {
        return new Position(null, null);
      }
      Map<String, String> values = new HashMap<>();
      for (String pair : position.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          values.put(
              pair.substring(0, eq),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      return new Position(values.get("syncToken"), values.get("pageToken"));
    }

    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      if (syncToken != null) {
        parts.add("syncToken=" + URLEncoder.encode(syncToken, StandardCharsets.UTF_8));
      }
      if (pageToken != null) {
        parts.add("pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
      }
      return String.join("&", parts);
    }
  }
}
