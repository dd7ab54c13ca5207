package io.mailbridge.sync.control;

import io.mailbridge.crm.control.RecordChanges;
import io.mailbridge.crm.control.RecordChanges.RecordChange;
import io.mailbridge.crm.control.RecordFollows;
import io.mailbridge.mailbox.control.ContactBook;
import io.mailbridge.mailbox.control.ContactBooks;
import io.mailbridge.mailbox.control.ContactChangedMeanwhile;
import io.mailbridge.mailbox.control.MailContact;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobHandler;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.sync.entity.SyncDirection;
import io.mailbridge.sync.entity.SyncLink;
import io.mailbridge.sync.entity.SyncUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The "sync this user's contacts" job, for the user's Microsoft 365 or Google mailbox or their
 * mailbox on the org's Exchange server (whichever kind has a {@link ContactBook}), in two steps
 * that each commit on their own: <b>pull</b> reads the "Mailbridge" contact folder's (Google:
 * contact group's) changes and merges each changed contact into its CRM record field by field
 * (creating a record for a new contact), writing a value the CRM won back to the contact at once;
 * <b>push</b> reads the CRM's change feed after the user's last position and creates, updates
 * ({@code If-Match}) or deletes contacts. Mailbridge's own writes are recognised when they come
 * back (the contact's stored changeKey; a CRM record that equals the agreed fields), so nothing
 * loops. Only contacts Mailbridge created are ever deleted in the mailbox, and only after their CRM
 * id is read back from them. An unpaired contact that carries Mailbridge's mark (a create whose
 * answer was lost) never becomes a CRM record of its own: it is paired with its record, or deleted
 * as a duplicate ({@link UnpairedItem}). The user's lease keeps a second node out.
 */
@ApplicationScoped
public class ContactSync implements JobHandler, SyncedItems {

  private static final Logger LOG = Logger.getLogger(ContactSync.class.getName());

  @PersistenceContext EntityManager em;
  @Inject UserSyncJob syncJob;
  @Inject ContactBooks books;
  @Inject RecordChanges crm;
  @Inject RecordFollows follows;
  @Inject AuditLog audit;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.folder-name", defaultValue = "Mailbridge")
  String folderName;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.pages-per-run", defaultValue = "20")
  int pagesPerRun;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.changes-per-run", defaultValue = "200")
  int changesPerRun;

  Clock clock = Clock.systemUTC();

  @Override
  public String kind() {
    return SyncJobs.CONTACTS;
  }

  @Override
  public JobOutcome run(ClaimedJob job) throws Exception {
    return syncJob.run(job, this);
  }

  @Override
  public SyncLink.Item item() {
    return SyncLink.Item.CONTACT;
  }

  @Override
  public String words() {
    return "contacts";
  }

  @Override
  public SyncDirection direction(SyncChoice choice) {
    return choice.contacts();
  }

  @Override
  public boolean keptIn(MailboxKind kind) {
    return books.of(kind).isPresent();
  }

  @Override
  public void prepare(SyncUser state, MailboxKind kind, MailboxAccess access) {
    if (state.folderId() == null) {
      state.useFolder(books.of(kind).orElseThrow().folder(access, folderName), clock.instant());
    }
  }

  @Override
  public Optional<JobOutcome> pull(SyncStep step) {
    return new Run(step).pull();
  }

  @Override
  public Optional<JobOutcome> push(SyncStep step) {
    return new Run(step).push();
  }

  /** One step's work for one user's contacts. */
  private final class Run {
    final SyncStep step;
    final SyncUser state;
    final SyncChoice choice;
    final ContactBook book;
    final MailboxAccess access;
    final List<ContactBook.NewContact> toCreate = new ArrayList<>();
    final List<JsonObject> agreedOnCreate = new ArrayList<>();

    Run(SyncStep step) {
      this.step = step;
      this.state = step.state;
      this.choice = step.choice;
      this.book = books.of(step.mailbox.kind()).orElseThrow();
      this.access = step.access;
    }

    Optional<JobOutcome> pull() {
      return step.pullPages(
          state.position(),
          pagesPerRun,
          position -> book.changes(access, state.folderId(), position),
          this::pulled,
          position -> state.position(position, clock.instant()));
    }

    private void pulled(MailContact contact) {
      Optional<SyncLink> pair = byRemote(contact.id());
      if (contact.removed()) {
        // The CRM record stays: a contact deleted in the mailbox only ends the pair.
        pair.ifPresent(em::remove);
        return;
      }
      if (pair.isPresent()
          && contact.changeKey() != null
          && contact.changeKey().equals(pair.get().changeKey())) {
        return; // Mailbridge's own write, coming back
      }
      JsonObject mail = ContactMerge.document(contact.fields());
      if (pair.isEmpty()) {
        pair = unpaired(contact, mail);
        if (pair.isEmpty()) {
          return;
        }
      }
      SyncLink link = pair.get();
      Optional<RecordChange> current =
          crm.current(state.orgId(), choice.recordTypes(), link.crmId());
      if (current.isEmpty()) {
        return; // deleted in the CRM (or its type is no longer synced): push decides
      }
      RecordChange record = current.get();
      List<String> fields = ContactMerge.fieldsOf(record.type());
      ContactMerge.Outcome merged =
          ContactMerge.merge(
              fields,
              ContactMerge.parse(link.baseJson()),
              ContactMerge.only(fields, record.fields()),
              ContactMerge.only(fields, mail),
              record.changedAt(),
              contact.modifiedAt());
      JsonObject agreed = ContactMerge.only(fields, mail);
      if (merged.crmChanges() && choice.contacts().toCrm()) {
        JsonObject body = body(record.fields(), fields, merged.merged());
        try {
          // Checked first: a refusal inside the CRM's write would doom this run's transaction.
          crm.validate(state.orgId(), record.type(), body);
          crm.update(state.orgId(), record.type(), record.id(), body);
          step.in++;
        } catch (InvalidRequest refused) {
          step.error("The CRM refused a change from the mailbox (" + refused.getMessage() + ")");
          return;
        }
      }
      String changeKey = contact.changeKey();
      String etag = contact.etag();
      if (merged.mailChanges() && choice.contacts().toMail()) {
        try {
          MailContact written =
              book.update(
                  access,
                  state.folderId(),
                  contact.id(),
                  contact.etag(),
                  ContactMerge.contactFields(fields, merged.merged()));
          changeKey = written.changeKey();
          etag = written.etag();
          agreed = merged.merged();
          step.out++;
        } catch (ContactChangedMeanwhile meanwhile) {
          // Changed again since the page was read: the next round brings it to merge.
        }
      }
      for (ContactMerge.Conflict conflict : merged.conflicts()) {
        step.conflicts++;
        audit.record(
            state.orgId(),
            state.id(),
            "sync.contact.conflict",
            record.id(),
            conflict.crmWon() ? "crm_won" : "mail_won",
            conflict.field()
                + ": kept "
                + shown(conflict.kept())
                + " from the "
                + (conflict.crmWon() ? "CRM" : "mailbox")
                + ", lost "
                + shown(conflict.lost())
                + " from the "
                + (conflict.crmWon() ? "mailbox" : "CRM"));
      }
      link.agreed(changeKey, etag, agreed.toString(), clock.instant());
    }

    /**
     * A contact with no pair, by Mailbridge's mark on it ({@link UnpairedItem}); answers the pair
     * when it is one Mailbridge made for a record that has none yet, so it merges as usual.
     */
    private Optional<SyncLink> unpaired(MailContact contact, JsonObject mail) {
      Optional<String> mark = book.mark(access, state.folderId(), contact);
      boolean paired = mark.flatMap(this::byCrm).isPresent();
      Optional<RecordChange> record =
          mark.isEmpty() || paired
              ? Optional.empty()
              : crm.current(state.orgId(), choice.recordTypes(), mark.get());
      switch (UnpairedItem.fate(mark.isPresent(), paired, record.isPresent())) {
        case IMPORT -> {
          if (choice.contacts().toCrm()) {
            created(contact, mail);
          }
        }
        case DELETE -> {
          if (choice.contacts().toMail()
              && book.deleteIfMarked(access, state.folderId(), contact.id(), mark.get())) {
            step.out++;
          }
        }
        case LEAVE ->
            LOG.fine(
                () ->
                    "Contact sync of user "
                        + state.id()
                        + ": a contact carries the mark of a record the CRM does not have");
        case PAIR -> {
          SyncLink link =
              new SyncLink(
                  state.orgId(),
                  state.id(),
                  record.get().id(),
                  contact.id(),
                  SyncLink.Origin.CRM,
                  clock.instant());
          // Agreed on what the contact holds (what the lost create wrote), with no changeKey so
          // the merge runs: whatever the record changed since reaches the contact.
          link.agreed(
              null,
              contact.etag(),
              ContactMerge.only(ContactMerge.fieldsOf(record.get().type()), mail).toString(),
              clock.instant());
          em.persist(link);
          return Optional.of(link);
        }
      }
      return Optional.empty();
    }

    /** A contact a person made in the folder: a new CRM contact, paired with it. */
    private void created(MailContact contact, JsonObject mail) {
      List<String> fields = ContactMerge.CONTACT_FIELDS;
      RecordChange record;
      JsonObject body = body(JsonValue.EMPTY_JSON_OBJECT, fields, mail);
      try {
        crm.validate(state.orgId(), "contacts", body);
        record = crm.create(state.orgId(), "contacts", body, state.id());
      } catch (InvalidRequest refused) {
        step.error("The CRM refused a contact from the mailbox (" + refused.getMessage() + ")");
        return;
      }
      SyncLink link =
          new SyncLink(
              state.orgId(),
              state.id(),
              record.id(),
              contact.id(),
              SyncLink.Origin.MAIL,
              clock.instant());
      link.agreed(
          contact.changeKey(),
          contact.etag(),
          ContactMerge.only(fields, mail).toString(),
          clock.instant());
      em.persist(link);
      step.in++;
    }

    Optional<JobOutcome> push() {
      if (!choice.contacts().toMail()) {
        return Optional.empty();
      }
      List<RecordChange> changes =
          crm.since(state.orgId(), choice.recordTypes(), state.crmSeq(), changesPerRun);
      Set<String> followed =
          choice.allRecords()
              ? Set.of()
              : follows.followedBy(
                  state.id(),
                  changes.stream().filter(c -> !c.removed()).map(RecordChange::id).toList());
      for (RecordChange change : changes) {
        boolean mine =
            choice.allRecords()
                || state.id().equals(change.ownerId())
                || followed.contains(change.id());
        pushed(change, mine);
        state.sentUpTo(change.seq(), clock.instant());
      }
      createPending();
      return changes.size() < changesPerRun
          ? Optional.empty()
          : Optional.of(JobOutcome.continueWith(state.id() + UserSyncJob.PUSH));
    }

    /**
     * One CRM change; {@code mine}: the user owns or follows the record (or the org sends every
     * record). A record that is no longer the user's leaves the mailbox as a deleted one does, but
     * a contact the user made stays paired: it is theirs, and its record is not made twice.
     */
    private void pushed(RecordChange change, boolean mine) {
      Optional<SyncLink> pair = byCrm(change.id());
      boolean leaves =
          change.removed()
              || (!mine && pair.map(l -> l.origin() == SyncLink.Origin.CRM).orElse(true));
      if (leaves) {
        if (pair.isEmpty()) {
          return;
        }
        SyncLink link = pair.get();
        // A contact a person made stays when its CRM record goes; only the pair ends.
        if (link.origin() == SyncLink.Origin.CRM
            && book.deleteIfMarked(access, state.folderId(), link.remoteId(), change.id())) {
          step.out++;
        }
        em.remove(link);
        return;
      }
      List<String> fields = ContactMerge.fieldsOf(change.type());
      JsonObject wanted = ContactMerge.only(fields, change.fields());
      if (pair.isEmpty()) {
        // Created together after the page: a record appears once in a page of the feed.
        toCreate.add(
            new ContactBook.NewContact(ContactMerge.contactFields(fields, wanted), change.id()));
        agreedOnCreate.add(wanted);
        return;
      }
      SyncLink link = pair.get();
      if (ContactMerge.same(fields, wanted, ContactMerge.parse(link.baseJson()))) {
        return; // nothing the contact does not have (or the CRM write was Mailbridge's own)
      }
      try {
        MailContact written =
            book.update(
                access,
                state.folderId(),
                link.remoteId(),
                link.etag(),
                ContactMerge.contactFields(fields, wanted));
        link.agreed(written.changeKey(), written.etag(), wanted.toString(), clock.instant());
        step.out++;
      } catch (ContactChangedMeanwhile meanwhile) {
        // The contact changed too: the next pull merges both, field by field.
      } catch (NotFound gone) {
        // Deleted in the mailbox before the pull saw it: the pair ends; the record stays.
        em.remove(link);
      }
    }

    /** The contacts this page of the feed asks for, made in as few calls as the provider allows. */
    private void createPending() {
      if (toCreate.isEmpty()) {
        return;
      }
      List<MailContact> created = book.createAll(access, state.folderId(), toCreate);
      for (int i = 0; i < created.size(); i++) {
        MailContact contact = created.get(i);
        SyncLink link =
            new SyncLink(
                state.orgId(),
                state.id(),
                toCreate.get(i).crmId(),
                contact.id(),
                SyncLink.Origin.CRM,
                clock.instant());
        link.agreed(
            contact.changeKey(), contact.etag(), agreedOnCreate.get(i).toString(), clock.instant());
        em.persist(link);
        step.out++;
      }
    }

    private Optional<SyncLink> byRemote(String remoteId) {
      return em.createQuery(
              "SELECT l FROM SyncLink l WHERE l.userId = :user AND l.remoteId = :remote"
                  + " AND l.item = io.mailbridge.sync.entity.SyncLink.Item.CONTACT",
              SyncLink.class)
          .setParameter("user", state.id())
          .setParameter("remote", remoteId)
          .getResultStream()
          .findFirst();
    }

    private Optional<SyncLink> byCrm(String crmId) {
      return em.createQuery(
              "SELECT l FROM SyncLink l WHERE l.userId = :user AND l.crmId = :crm"
                  + " AND l.item = io.mailbridge.sync.entity.SyncLink.Item.CONTACT",
              SyncLink.class)
          .setParameter("user", state.id())
          .setParameter("crm", crmId)
          .getResultStream()
          .findFirst();
    }
  }

  /** A record's API body with the synced fields replaced by the merged ones. */
  static JsonObject body(JsonObject view, List<String> fields, JsonObject merged) {
    JsonObjectBuilder body = Json.createObjectBuilder(view);
    body.remove("id");
    for (String field : fields) {
      JsonValue value = ContactMerge.value(merged, field);
      if (field.equals("emails") && value == JsonValue.NULL) {
        body.add(field, JsonValue.EMPTY_JSON_ARRAY);
      } else {
        body.add(field, value);
      }
    }
    return body.build();
  }

  private static String shown(JsonValue value) {
    String text =
        value instanceof jakarta.json.JsonString s ? "\"" + s.getString() + "\"" : value.toString();
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
