package io.mailbridge.sync.control;

import io.mailbridge.crm.control.CrmEvents;
import io.mailbridge.crm.control.CrmEvents.EventChange;
import io.mailbridge.crm.control.ParticipantMatcher;
import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.EventBook;
import io.mailbridge.mailbox.control.EventBooks;
import io.mailbridge.mailbox.control.EventChangedMeanwhile;
import io.mailbridge.mailbox.control.MailEvent;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.message.CalendarEvent;
import io.mailbridge.message.MailAddress;
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
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The "sync this user's events" job: the CRM's events and the user's primary calendar (a mailbox
 * kind that has an {@link EventBook}), in two steps that each commit on their own, under the same
 * per-user lease as contact sync. <b>Pull</b> reads the calendar's changes: an event with CRM
 * participants that has no pair becomes a CRM event through capture's storage path (so a meeting
 * capture also sees is one activity), a paired event is merged field by field into its CRM event, a
 * paired event deleted in the calendar deletes its CRM event. <b>Push</b> reads the CRM's event
 * feed: an event the user made in the CRM is created in their calendar (the activity then adopts
 * the calendar's iCalendar UID), a paired event is patched with {@code If-Match}, a deleted one is
 * deleted in the calendar only if Mailbridge created it there. Mailbridge's own writes come back
 * with the change key it stored and are skipped; a CRM event equal to the agreed fields sends
 * nothing. An unpaired event that carries Mailbridge's mark (a create whose answer was lost) never
 * becomes a CRM event of its own: it is paired with its CRM event, or deleted as a duplicate
 * ({@link UnpairedItem}).
 */
@ApplicationScoped
public class EventSync implements JobHandler, SyncedItems {

  private static final Logger LOG = Logger.getLogger(EventSync.class.getName());

  @PersistenceContext EntityManager em;
  @Inject UserSyncJob syncJob;
  @Inject EventBooks books;
  @Inject CrmEvents crm;
  @Inject ParticipantMatcher matcher;
  @Inject AuditLog audit;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.pages-per-run", defaultValue = "20")
  int pagesPerRun;

  @Inject
  @ConfigProperty(name = "mailbridge.sync.changes-per-run", defaultValue = "200")
  int changesPerRun;

  Clock clock = Clock.systemUTC();

  @Override
  public String kind() {
    return SyncJobs.EVENTS;
  }

  @Override
  public JobOutcome run(ClaimedJob job) throws Exception {
    return syncJob.run(job, this);
  }

  @Override
  public SyncLink.Item item() {
    return SyncLink.Item.EVENT;
  }

  @Override
  public String words() {
    return "events";
  }

  @Override
  public SyncDirection direction(SyncChoice choice) {
    return choice.events();
  }

  @Override
  public boolean keptIn(MailboxKind kind) {
    return books.of(kind).isPresent();
  }

  @Override
  public Optional<JobOutcome> pull(SyncStep step) {
    return new Run(step).pull();
  }

  @Override
  public Optional<JobOutcome> push(SyncStep step) {
    return new Run(step).push();
  }

  /** One step's work for one user's events. */
  private final class Run {
    final SyncStep step;
    final SyncUser state;
    final SyncChoice choice;
    final EventBook book;
    final MailboxAccess access;
    final ConnectedMailbox mailbox;

    Run(SyncStep step) {
      this.step = step;
      this.state = step.state;
      this.choice = step.choice;
      this.book = books.of(step.mailbox.kind()).orElseThrow();
      this.access = step.access;
      this.mailbox = step.mailbox;
    }

    Optional<JobOutcome> pull() {
      return step.pullPages(
          state.eventPosition(),
          pagesPerRun,
          position -> book.changes(access, position),
          this::pulled,
          position -> state.eventPosition(position, clock.instant()));
    }

    private void pulled(MailEvent event) {
      Optional<SyncLink> pair = byRemote(event.id());
      if (event.removed()) {
        if (pair.isPresent()) {
          // Deletes propagate only for pairs: the CRM event goes with its calendar event.
          if (choice.events().toCrm()
              && crm.current(state.orgId(), pair.get().crmId()).isPresent()) {
            crm.delete(state.orgId(), pair.get().crmId());
            step.in++;
          }
          em.remove(pair.get());
        }
        return;
      }
      if (pair.isPresent()
          && event.changeKey() != null
          && event.changeKey().equals(pair.get().changeKey())) {
        return; // Mailbridge's own write, coming back
      }
      JsonObject mail = EventMerge.ofMail(event.fields());
      if (pair.isEmpty()) {
        pair = unpaired(event, mail);
        if (pair.isEmpty()) {
          return;
        }
      }
      SyncLink link = pair.get();
      Optional<EventChange> current = crm.current(state.orgId(), link.crmId());
      if (current.isEmpty()) {
        return; // deleted in the CRM: push decides
      }
      EventChange record = current.get();
      JsonObject crmFields = EventMerge.ofCrm(record.event());
      ContactMerge.Outcome merged =
          ContactMerge.merge(
              EventMerge.FIELDS,
              ContactMerge.parse(link.baseJson()),
              crmFields,
              mail,
              record.changedAt(),
              event.modifiedAt());
      List<MailAddress> names = new ArrayList<>(event.fields().attendees());
      names.addAll(EventMerge.attendeesOf(record.event()));
      JsonObject agreed = mail;
      if (merged.crmChanges() && choice.events().toCrm()) {
        try {
          crm.updateFromCalendar(
              state.orgId(),
              record.id(),
              EventMerge.toCrm(merged.merged(), names),
              event.onlineMeetingUrl());
          step.in++;
        } catch (InvalidRequest refused) {
          step.error("The CRM refused a change from the calendar (" + refused.getMessage() + ")");
          return;
        }
      }
      String changeKey = event.changeKey();
      String etag = event.etag();
      if (merged.mailChanges() && choice.events().toMail()) {
        try {
          MailEvent written =
              book.update(
                  access,
                  event.id(),
                  event.etag(),
                  EventMerge.toMail(merged.merged(), event.fields().online(), names));
          changeKey = written.changeKey();
          etag = written.etag();
          agreed = merged.merged();
          step.out++;
        } catch (EventChangedMeanwhile meanwhile) {
          // Changed again since the page was read: the next round brings it to merge.
        }
      } else if (merged.crmChanges() && choice.events().toCrm()) {
        agreed = merged.merged();
      }
      for (ContactMerge.Conflict conflict : merged.conflicts()) {
        step.conflicts++;
        audit.record(
            state.orgId(),
            state.id(),
            "sync.event.conflict",
            record.id(),
            conflict.crmWon() ? "crm_won" : "mail_won",
            conflict.field()
                + ": kept "
                + shown(conflict.kept())
                + " from the "
                + (conflict.crmWon() ? "CRM" : "calendar")
                + ", lost "
                + shown(conflict.lost())
                + " from the "
                + (conflict.crmWon() ? "calendar" : "CRM"));
      }
      link.agreed(changeKey, etag, agreed.toString(), clock.instant());
    }

    /**
     * An event with no pair, by Mailbridge's mark on it ({@link UnpairedItem}); answers the pair
     * when it is one Mailbridge made for a CRM event that has none yet, so it merges as usual.
     */
    private Optional<SyncLink> unpaired(MailEvent event, JsonObject mail) {
      Set<String> recordIds = crmPeople(event);
      if (recordIds.isEmpty()) {
        // Not a CRM meeting: nothing to import, so its mark is not read (a request per event of a
        // busy calendar on Graph). A create repeated after a lost answer gets the first event
        // back from the provider (Graph's transactionId, Google's derived id, Exchange's look-up).
        return Optional.empty();
      }
      Optional<String> mark = book.mark(access, event);
      boolean paired = mark.flatMap(this::byCrm).isPresent();
      Optional<EventChange> record =
          mark.isEmpty() || paired ? Optional.empty() : crm.current(state.orgId(), mark.get());
      switch (UnpairedItem.fate(mark.isPresent(), paired, record.isPresent())) {
        case IMPORT -> {
          if (choice.events().toCrm()) {
            created(event, mail, recordIds);
          }
        }
        case DELETE -> {
          if (choice.events().toMail() && book.deleteIfMarked(access, event.id(), mark.get())) {
            step.out++;
          }
        }
        case LEAVE ->
            LOG.fine(
                () ->
                    "Event sync of user "
                        + state.id()
                        + ": an event carries the mark of a CRM event the CRM does not have");
        case PAIR -> {
          String crmId = record.get().id();
          SyncLink link =
              SyncLink.event(
                  state.orgId(),
                  state.id(),
                  crmId,
                  event.id(),
                  SyncLink.Origin.CRM,
                  clock.instant());
          // Agreed on what the event holds (what the lost create wrote), with no changeKey so the
          // merge runs: whatever the CRM event changed since reaches the calendar.
          link.agreed(null, event.etag(), mail.toString(), clock.instant());
          em.persist(link);
          adoptUid(crmId, event.iCalUid());
          return Optional.of(link);
        }
      }
      return Optional.empty();
    }

    /**
     * A calendar event with no pair whose people include these CRM contacts or leads: it enters the
     * CRM through the path capture uses (one activity per meeting, found by iCalendar UID).
     */
    private void created(MailEvent event, JsonObject mail, Set<String> recordIds) {
      List<CalendarEvent.Attendee> attendees =
          event.fields().attendees().stream()
              .map(a -> new CalendarEvent.Attendee(a, CalendarEvent.Response.NONE))
              .toList();
      Instant start = event.fields().start();
      Instant end = event.fields().end() == null ? start : event.fields().end();
      CalendarEvent meeting =
          new CalendarEvent(
              // Capture's name for the calendar's provider: Google's meetings are "google".
              mailbox.kind() == MailboxKind.GMAIL ? "google" : mailbox.kind().provider(),
              event.id(),
              event.iCalUid(),
              event.fields().subject(),
              start,
              end.isBefore(start) ? start : end,
              event.fields().timeZone(),
              event.fields().location(),
              null,
              attendees,
              event.onlineMeetingUrl(),
              event.fields().online(),
              event.fields().bodyText(),
              null,
              false,
              event.fields().allDay());
      String storedId;
      try {
        // In this run's transaction: a transaction of its own would wait for the org's change
        // counter, which this run may already hold.
        storedId =
            crm.storeFromCalendar(
                state.orgId(),
                meeting,
                List.copyOf(recordIds),
                state.id(),
                mailbox.id(),
                event.id(),
                event.fields().recurrence(),
                EventMerge.exceptions(event.fields().exceptions()).build());
      } catch (InvalidRequest | NotFound refused) {
        step.error("The CRM refused an event from the calendar (" + refused.getMessage() + ")");
        return;
      }
      if (byCrm(storedId).isPresent()) {
        return; // the CRM event is already paired with another event of this calendar
      }
      SyncLink link =
          SyncLink.event(
              state.orgId(),
              state.id(),
              storedId,
              event.id(),
              SyncLink.Origin.MAIL,
              clock.instant());
      link.agreed(event.changeKey(), event.etag(), mail.toString(), clock.instant());
      em.persist(link);
      step.in++;
    }

    Optional<JobOutcome> push() {
      if (!choice.events().toMail()) {
        return Optional.empty();
      }
      List<EventChange> changes = crm.since(state.orgId(), state.eventSeq(), changesPerRun);
      for (EventChange change : changes) {
        pushed(change);
        state.eventsSentUpTo(change.seq(), clock.instant());
      }
      return changes.size() < changesPerRun
          ? Optional.empty()
          : Optional.of(JobOutcome.continueWith(state.id() + UserSyncJob.PUSH));
    }

    private void pushed(EventChange change) {
      Optional<SyncLink> pair = byCrm(change.id());
      if (change.removed()) {
        if (pair.isEmpty()) {
          return;
        }
        SyncLink link = pair.get();
        // An event a person made in the calendar stays when its CRM event goes; only the pair ends.
        if (link.origin() == SyncLink.Origin.CRM
            && book.deleteIfMarked(access, link.remoteId(), change.id())) {
          step.out++;
        }
        em.remove(link);
        return;
      }
      JsonObject wanted = EventMerge.ofCrm(change.event());
      List<MailAddress> names = EventMerge.attendeesOf(change.event());
      boolean online = change.event().get("onlineMeeting") == JsonValue.TRUE;
      if (pair.isEmpty()) {
        // Only an event this user made in the CRM, not yet in a calendar, goes to their calendar.
        if (!state.id().equals(change.createdBy())
            || !(change.event().get("provider") instanceof JsonString p)
            || !"crm".equals(p.getString())) {
          return;
        }
        MailEvent created =
            book.create(access, EventMerge.toMail(wanted, online, names), change.id());
        SyncLink link =
            SyncLink.event(
                state.orgId(),
                state.id(),
                change.id(),
                created.id(),
                SyncLink.Origin.CRM,
                clock.instant());
        link.agreed(created.changeKey(), created.etag(), wanted.toString(), clock.instant());
        em.persist(link);
        adoptUid(change.id(), created.iCalUid());
        step.out++;
        return;
      }
      SyncLink link = pair.get();
      if (ContactMerge.same(EventMerge.FIELDS, wanted, ContactMerge.parse(link.baseJson()))) {
        return; // nothing the calendar does not have (or the CRM write was Mailbridge's own)
      }
      try {
        MailEvent written =
            book.update(
                access, link.remoteId(), link.etag(), EventMerge.toMail(wanted, online, names));
        link.agreed(written.changeKey(), written.etag(), wanted.toString(), clock.instant());
        step.out++;
      } catch (EventChangedMeanwhile meanwhile) {
        // The event changed too: the next pull merges both, field by field.
      } catch (NotFound gone) {
        em.remove(link);
      }
    }

    /** The CRM contacts and leads among the event's people; none: not a CRM meeting. */
    private Set<String> crmPeople(MailEvent event) {
      Set<String> recordIds = new LinkedHashSet<>();
      List<String> emails = event.fields().attendees().stream().map(MailAddress::email).toList();
      for (ParticipantMatcher.Match match : matcher.match(state.orgId(), emails)) {
        recordIds.addAll(match.contactIds());
        recordIds.addAll(match.leadIds());
      }
      return recordIds;
    }

    /** The CRM event takes its calendar event's UID, so capture finds it by that UID. */
    private void adoptUid(String crmId, String iCalUid) {
      if (iCalUid != null && !crm.adoptUid(state.orgId(), crmId, iCalUid)) {
        LOG.warning(
            () ->
                "Event sync of user "
                    + state.id()
                    + ": another activity already holds the calendar's UID of a CRM event");
      }
    }

    private Optional<SyncLink> byRemote(String remoteId) {
      return em.createQuery(
              "SELECT l FROM SyncLink l WHERE l.userId = :user AND l.remoteId = :remote"
                  + " AND l.item = io.mailbridge.sync.entity.SyncLink.Item.EVENT",
              SyncLink.class)
          .setParameter("user", state.id())
          .setParameter("remote", remoteId)
          .getResultStream()
          .findFirst();
    }

    private Optional<SyncLink> byCrm(String crmId) {
      return em.createQuery(
              "SELECT l FROM SyncLink l WHERE l.userId = :user AND l.crmId = :crm"
                  + " AND l.item = io.mailbridge.sync.entity.SyncLink.Item.EVENT",
              SyncLink.class)
          .setParameter("user", state.id())
          .setParameter("crm", crmId)
          .getResultStream()
          .findFirst();
    }
  }

  private static String shown(JsonValue value) {
    String text = value instanceof JsonString s ? "\"" + s.getString() + "\"" : value.toString();
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
