package io.mailbridge.sync.control;

import io.mailbridge.crm.control.RecordChanges;
import io.mailbridge.crm.control.RecordChanges.RecordChange;
import io.mailbridge.mailbox.control.ChangePositionExpired;
import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.ContactBook;
import io.mailbridge.mailbox.control.ContactBooks;
import io.mailbridge.mailbox.control.ContactChangedMeanwhile;
import io.mailbridge.mailbox.control.ContactPage;
import io.mailbridge.mailbox.control.MailContact;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxOfCaller;
import io.mailbridge.mailbox.control.MailboxReauthRequired;
import io.mailbridge.mailbox.control.SendingMailboxes;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobHandler;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.platform.jobs.control.JobStore;
import io.mailbridge.platform.jobs.control.RetryLater;
import io.mailbridge.platform.problem.Busy;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.problem.TooManyRequests;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
 * id is read back from them. The user's lease keeps a second node out.
 */
@ApplicationScoped
public class ContactSync implements JobHandler {

  private static final Logger LOG = Logger.getLogger(ContactSync.class.getName());
  static final String PUSH = "|push";
  static final String PULL = "|pull";
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

  @PersistenceContext EntityManager em;
  @Inject JobStore jobs;
  @Inject SyncLeases leases;
  @Inject OrgSyncSettings settings;
  @Inject SendingMailboxes sending;
  @Inject MailboxOfCaller mailboxes;
  @Inject ContactBooks books;
  @Inject RecordChanges crm;
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

  @Inject
  @ConfigProperty(name = "mailbridge.sync.lease", defaultValue = "PT5M")
  Duration lease;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.busy-wait", defaultValue = "PT30S")
  Duration busyWait;

  Clock clock = Clock.systemUTC();

  @Override
  public String kind() {
    return SyncJobs.CONTACTS;
  }

  @Override
  public JobOutcome run(ClaimedJob job) throws Exception {
    String payload = job.payload();
    boolean push = payload.endsWith(PUSH);
    boolean pulling = payload.endsWith(PULL);
    String userId = push || pulling ? payload.substring(0, payload.length() - 5) : payload;
    String orgId = job.orgId();
    if (!push && !pulling) {
      // From here on a new request queues a job of its own instead of being swallowed by this
      // one, which may already have read past the change it announces.
      jobs.releaseDedupKey(job.id());
    }
    SyncChoice choice = settings.of(orgId);
    if (!choice.contacts().toMail() && !choice.contacts().toCrm()) {
      return JobOutcome.done();
    }
    leases.ensure(orgId, userId);
    String owner = job.leaseOwner() + "/" + job.id();
    boolean taken;
    try {
      taken = leases.take(userId, owner, lease);
    } catch (RuntimeException locked) {
      // The row is locked by the run that holds the lease (a database with a lock time-out).
      taken = false;
    }
    if (!taken) {
      throw new RetryLater("Another node is syncing this user's contacts", busyWait);
    }
    try {
      SyncUser state = em.find(SyncUser.class, userId);
      Optional<JobOutcome> outcome = step(state, choice, push);
      state.release();
      return outcome.orElseGet(JobOutcome::done);
    } catch (MailboxReauthRequired reauth) {
      leases.release(userId, owner);
      leases.failed(userId, "The mailbox must be connected again");
      return JobOutcome.done();
    } catch (Busy | TooManyRequests busy) {
      leases.release(userId, owner);
      Duration wait = busy.retryAfter() == null ? DEFAULT_WAIT : busy.retryAfter();
      throw new RetryLater("The mail provider asked contact sync to wait", wait);
    } catch (RuntimeException e) {
      leases.release(userId, owner);
      leases.failed(
          userId,
          e instanceof io.mailbridge.platform.problem.DomainProblem
              ? e.getMessage()
              : "Contact sync failed unexpectedly; it tries again");
      throw e;
    }
  }

  private Optional<JobOutcome> step(SyncUser state, SyncChoice choice, boolean push) {
    Instant now = clock.instant();
    // Connected mailboxes first, then the org's Exchange server as the user's mailbox.
    List<ConnectedMailbox> reachable =
        sending.ofUser(state.orgId(), state.id()).stream()
            .filter(m -> books.of(m.kind()).isPresent())
            .toList();
    // The mailbox synced last time stays the one while it is connected; otherwise the first.
    Optional<ConnectedMailbox> found =
        reachable.stream()
            .filter(m -> m.id().equals(state.mailboxId()))
            .findFirst()
            .or(() -> reachable.stream().findFirst());
    if (found.isEmpty()) {
      state.errors(
          SyncErrors.add(
              state.errors(), now, "No Microsoft 365, Google or Exchange mailbox is connected"),
          now);
      return Optional.empty();
    }
    ConnectedMailbox mailbox = found.get();
    if (mailbox.reauthRequired()) {
      state.errors(SyncErrors.add(state.errors(), now, reconnect(mailbox.kind())), now);
      return Optional.empty();
    }
    if (!mailbox.id().equals(state.mailboxId())) {
      // Another mailbox than last time: its folder and feed are new, so are the pairs.
      em.createQuery("DELETE FROM SyncLink l WHERE l.userId = :user")
          .setParameter("user", state.id())
          .executeUpdate();
      state.useMailbox(mailbox.id(), now);
    }
    ContactBook book = books.of(mailbox.kind()).orElseThrow();
    MailboxAccess access =
        mailbox.kind() == MailboxKind.EXCHANGE
            ? sending.access(state.orgId(), state.id(), mailbox.id())
            : mailboxes.connection(state.orgId(), mailbox.id());
    if (state.folderId() == null) {
      state.useFolder(book.folder(access, folderName), now);
    }
    Run run = new Run(state, choice, book, access);
    Optional<JobOutcome> outcome = push ? run.push() : run.pull();
    state.counted(run.in, run.out, run.conflicts, clock.instant());
    if (outcome.isEmpty()) {
      state.synced(clock.instant());
    }
    return outcome;
  }

  /** One step's work for one user, and what it counted. */
  private final class Run {
    final SyncUser state;
    final SyncChoice choice;
    final ContactBook book;
    final MailboxAccess access;
    int in;
    int out;
    int conflicts;

    Run(SyncUser state, SyncChoice choice, ContactBook book, MailboxAccess access) {
      this.state = state;
      this.choice = choice;
      this.book = book;
      this.access = access;
    }

    Optional<JobOutcome> pull() {
      String position = state.position();
      boolean restarted = false;
      for (int pages = 0; pages < pagesPerRun; pages++) {
        ContactPage page;
        try {
          page = book.changes(access, state.folderId(), position);
        } catch (ChangePositionExpired expired) {
          if (restarted) {
            throw expired;
          }
          // A full round again: contacts are found by their pairs, so none is made twice.
          LOG.info(() -> "Contact sync of user " + state.id() + ": " + expired.getMessage());
          restarted = true;
          position = null;
          continue;
        }
        for (MailContact contact : page.changes()) {
          pulled(contact);
        }
        position = page.next();
        state.position(position, clock.instant());
        if (page.roundComplete()) {
          return Optional.of(JobOutcome.continueWith(state.id() + PUSH));
        }
      }
      return Optional.of(JobOutcome.continueWith(state.id() + PULL));
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
        if (choice.contacts().toCrm()) {
          created(contact, mail);
        }
        return;
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
          in++;
        } catch (InvalidRequest refused) {
          error("The CRM refused a change from the mailbox (" + refused.getMessage() + ")");
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
          out++;
        } catch (ContactChangedMeanwhile meanwhile) {
          // Changed again since the page was read: the next round brings it to merge.
        }
      }
      for (ContactMerge.Conflict conflict : merged.conflicts()) {
        conflicts++;
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

    /** A contact a person made in the folder: a new CRM contact, paired with it. */
    private void created(MailContact contact, JsonObject mail) {
      List<String> fields = ContactMerge.CONTACT_FIELDS;
      RecordChange record;
      JsonObject body = body(JsonValue.EMPTY_JSON_OBJECT, fields, mail);
      try {
        crm.validate(state.orgId(), "contacts", body);
        record = crm.create(state.orgId(), "contacts", body);
      } catch (InvalidRequest refused) {
        error("The CRM refused a contact from the mailbox (" + refused.getMessage() + ")");
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
      in++;
    }

    Optional<JobOutcome> push() {
      if (!choice.contacts().toMail()) {
        return Optional.empty();
      }
      List<RecordChange> changes =
          crm.since(state.orgId(), choice.recordTypes(), state.crmSeq(), changesPerRun);
      for (RecordChange change : changes) {
        pushed(change);
        state.sentUpTo(change.seq(), clock.instant());
      }
      return changes.size() < changesPerRun
          ? Optional.empty()
          : Optional.of(JobOutcome.continueWith(state.id() + PUSH));
    }

    private void pushed(RecordChange change) {
      Optional<SyncLink> pair = byCrm(change.id());
      if (change.removed()) {
        if (pair.isEmpty()) {
          return;
        }
        SyncLink link = pair.get();
        // A contact a person made stays when its CRM record goes; only the pair ends.
        if (link.origin() == SyncLink.Origin.CRM
            && book.deleteIfMarked(access, state.folderId(), link.remoteId(), change.id())) {
          out++;
        }
        em.remove(link);
        return;
      }
      List<String> fields = ContactMerge.fieldsOf(change.type());
      JsonObject wanted = ContactMerge.only(fields, change.fields());
      if (pair.isEmpty()) {
        MailContact created =
            book.create(
                access, state.folderId(), ContactMerge.contactFields(fields, wanted), change.id());
        SyncLink link =
            new SyncLink(
                state.orgId(),
                state.id(),
                change.id(),
                created.id(),
                SyncLink.Origin.CRM,
                clock.instant());
        link.agreed(created.changeKey(), created.etag(), wanted.toString(), clock.instant());
        em.persist(link);
        out++;
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
        out++;
      } catch (ContactChangedMeanwhile meanwhile) {
        // The contact changed too: the next pull merges both, field by field.
      } catch (NotFound gone) {
        // Deleted in the mailbox before the pull saw it: the pair ends; the record stays.
        em.remove(link);
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

    private void error(String reason) {
      state.errors(SyncErrors.add(state.errors(), clock.instant(), reason), clock.instant());
    }
  }

  private static String reconnect(MailboxKind kind) {
    return (kind == MailboxKind.GMAIL ? "The Google" : "The Microsoft 365")
        + " mailbox must be connected again";
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
