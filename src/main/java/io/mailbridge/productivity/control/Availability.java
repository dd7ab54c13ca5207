package io.mailbridge.productivity.control;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.ParticipantMatcher;
import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxCalendar;
import io.mailbridge.mailbox.control.MailboxCalendar.BusyTime;
import io.mailbridge.mailbox.control.MailboxCalendar.CreatedMeeting;
import io.mailbridge.mailbox.control.MailboxCalendars;
import io.mailbridge.mailbox.control.MailboxCannotUseCalendar;
import io.mailbridge.mailbox.control.MailboxNotConnected;
import io.mailbridge.mailbox.control.SendingMailboxes;
import io.mailbridge.message.CalendarEvent;
import io.mailbridge.message.MailAddress;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.problem.Conflict;
import io.mailbridge.platform.problem.Expired;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.productivity.control.FreeSlots.Slot;
import io.mailbridge.productivity.control.FreeSlots.WorkingHours;
import io.mailbridge.productivity.entity.AvailabilityOffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Insert availability: a rep's free slots offered through a signed, expiring booking link, and a
 * recipient's booking of one of them, which re-checks the rep's calendar, makes the meeting with
 * the recipient at the provider (so the invitation goes out), logs it to the matched CRM records
 * and closes the offer. Of two recipients booking at once exactly one wins (see {@link
 * BookingClaims}); the other is told which slots are left. The booking side never shows or returns
 * more of the calendar than the offered slots.
 */
@ApplicationScoped
public class Availability {

  private static final Logger LOG = Logger.getLogger(Availability.class.getName());
  private static final Pattern EMAIL =
      Pattern.compile("^[^\\s@<>\",;]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$");
  static final int MAX_DAYS = 41;
  static final int MAX_NAME = 200;

  @PersistenceContext EntityManager em;
  @Inject SendingMailboxes mailboxes;
  @Inject MailboxCalendars calendars;
  @Inject BookingTokens tokens;
  @Inject BookingClaims claims;
  @Inject ParticipantMatcher matcher;
  @Inject ActivityStore activities;
  @Inject Users users;
  @Inject MailbridgeSettings settings;

  @Inject
  @ConfigProperty(name = "mailbridge.availability.link-lifetime", defaultValue = "P14D")
  Duration linkLifetime;

  @Inject
  @ConfigProperty(name = "mailbridge.availability.minimum-notice", defaultValue = "PT2H")
  Duration minimumNotice;

  @Inject
  @ConfigProperty(name = "mailbridge.availability.max-slots", defaultValue = "20")
  int maxSlots;

  @Inject
  @ConfigProperty(name = "mailbridge.availability.default-time-zone", defaultValue = "UTC")
  String defaultTimeZone;

  Clock clock = Clock.systemUTC();

  /**
   * Whose offer: the caller's org and id, the mailbox their add-in session signed in with, and
   * whether that session is Outlook on the org's own Exchange server.
   */
  public record Owner(String orgId, String userId, String sessionMailbox, boolean onExchange) {}

  /** What the rep asks for; null fields take their defaults. */
  public record OfferRequest(
      Integer durationMinutes,
      Integer days,
      String mailboxId,
      String timeZone,
      WorkingHours workingHours) {}

  /** A slot as the API shows it. */
  public record SlotView(Instant start, Instant end) {
    static List<SlotView> of(List<Slot> slots) {
      return slots.stream().map(s -> new SlotView(s.start(), s.end())).toList();
    }
  }

  /** The offer made: its slots and the link for the recipients. */
  public record OfferView(
      String id, List<SlotView> slots, String bookingUrl, Instant expiresAt, String timeZone) {}

  /** What the public booking page shows: the rep's name and the open slots, nothing else. */
  public record OfferPage(
      String offerId,
      String repName,
      int durationMinutes,
      String timeZone,
      List<Slot> slots,
      boolean booked) {}

  /** The booked meeting as the recipient sees it. */
  public record Booked(Instant start, Instant end, String timeZone) {}

  /** Reads the rep's calendar and offers its free slots. */
  public OfferView offer(Owner owner, OfferRequest request) {
    int minutes = request.durationMinutes() == null ? 30 : request.durationMinutes();
    if (minutes < 5 || minutes > 480) {
      throw new InvalidField("durationMinutes", "must be between 5 and 480");
    }
    int days = request.days() == null ? 7 : request.days();
    if (days < 1 || days > MAX_DAYS) {
      throw new InvalidField("days", "must be between 1 and " + MAX_DAYS);
    }
    ZoneId zone = zone(request.timeZone() == null ? defaultTimeZone : request.timeZone());
    WorkingHours hours =
        request.workingHours() == null ? WorkingHours.OFFICE : request.workingHours();
    ConnectedMailbox mailbox = calendarMailbox(owner, request.mailboxId());
    mailboxes.requireCalendar(owner.orgId(), owner.userId(), mailbox.id());
    MailboxCalendar calendar = calendars.of(mailbox.kind()).orElseThrow();
    MailboxAccess access = mailboxes.access(owner.orgId(), owner.userId(), mailbox.id());
    Instant now = clock.instant();
    // One day more than asked: the last day ends in the rep's zone, later than in UTC.
    List<BusyTime> busy =
        calendar.busy(access, mailbox.address(), now, now.plus(Duration.ofDays(days + 1L)));
    List<Slot> slots =
        FreeSlots.compute(
            now,
            zone,
            hours,
            days,
            Duration.ofMinutes(minutes),
            minimumNotice,
            busy,
            Math.min(maxSlots, AvailabilityOffer.MAX_SLOTS));
    if (slots.isEmpty()) {
      throw new Conflict(
          "no_free_slots", "Your calendar has no free time of that length in the days asked");
    }
    return store(owner, mailbox.id(), minutes, zone, slots, now);
  }

  private OfferView store(
      Owner owner, String mailboxId, int minutes, ZoneId zone, List<Slot> slots, Instant now) {
    List<Instant[]> pairs = new ArrayList<>();
    slots.forEach(s -> pairs.add(new Instant[] {s.start(), s.end()}));
    AvailabilityOffer offer =
        new AvailabilityOffer(
            owner.orgId(),
            owner.userId(),
            mailboxId,
            minutes,
            zone.getId(),
            pairs,
            now.plus(linkLifetime),
            now);
    claims.open(offer);
    String url = bookingUrl(tokens.issue(offer.id(), offer.expiresAt()));
    return new OfferView(offer.id(), SlotView.of(slots), url, offer.expiresAt(), zone.getId());
  }

  /** What the booking page of this token shows; a forged token is "not found". */
  public OfferPage page(String token) {
    AvailabilityOffer offer = offerOf(token, null);
    String repName = users.find(offer.orgId(), offer.userId()).displayName();
    return new OfferPage(
        offer.id(),
        repName,
        offer.durationMinutes(),
        offer.timeZone(),
        slots(offer.open()),
        offer.state() != io.mailbridge.productivity.entity.AvailabilityOfferState.OPEN);
  }

  /** Books the slot starting at {@code start} for this recipient. */
  public Booked book(String offerId, String token, Instant start, String name, String email) {
    AvailabilityOffer offer = offerOf(token, offerId);
    String attendee = validName(name);
    String address = validEmail(email);
    if (start == null) {
      throw new InvalidField("slot", "is required");
    }
    Slot slot =
        slots(offer.offered()).stream()
            .filter(s -> s.start().equals(start))
            .findFirst()
            .orElseThrow(() -> new InvalidField("slot", "is not one of the offered times"));
    if (slots(offer.open()).stream().noneMatch(s -> s.start().equals(start))) {
      throw new SlotTaken(slots(offer.open()));
    }
    String bookingId;
    try {
      bookingId =
          claims.claim(
              offer.orgId(),
              offer.id(),
              slot.start(),
              slot.end(),
              attendee,
              address,
              clock.instant());
    } catch (RuntimeException e) {
      if (BookingClaims.isUniqueViolation(e)) {
        // Another recipient holds the offer: whatever they booked, it is closed for this one.
        throw new SlotTaken(List.of());
      }
      throw e;
    }
    ConnectedMailbox mailbox;
    CreatedMeeting meeting;
    try {
      // The rep's connection, or the org's Exchange connection while it still covers the rep.
      mailbox = mailboxes.ownedBy(offer.orgId(), offer.userId(), offer.mailboxId());
      try {
        mailboxes.requireCalendar(offer.orgId(), offer.userId(), mailbox.id());
      } catch (MailboxCannotUseCalendar e) {
        // The rep reconnected without calendar access since offering; the recipient is told no
        // more than that (the refusal's own message names the rep's address).
        throw new MailboxNotConnected("The rep's calendar is not connected");
      }
      MailboxCalendar calendar =
          calendars
              .of(mailbox.kind())
              .orElseThrow(() -> new MailboxNotConnected("The rep's calendar is not connected"));
      MailboxAccess access = mailboxes.access(offer.orgId(), offer.userId(), mailbox.id());
      List<BusyTime> busy = calendar.busy(access, mailbox.address(), slot.start(), slot.end());
      if (!FreeSlots.isFree(slot, busy)) {
        claims.release(offer.id(), bookingId, slot.start());
        throw new SlotTaken(slots(fresh(offer.id()).open()));
      }
      String repName = users.find(offer.orgId(), offer.userId()).displayName();
      meeting =
          calendar.createMeeting(
              access,
              new MailboxCalendar.NewMeeting(
                  "Meeting: " + repName + " and " + attendee,
                  "Booked by " + attendee + " <" + address + "> through Mailbridge.",
                  slot.start(),
                  slot.end(),
                  offer.timeZone(),
                  address,
                  attendee,
                  bookingId));
    } catch (SlotTaken taken) {
      throw taken;
    } catch (RuntimeException e) {
      // Nothing was made at the provider (or it refused): the offer is open again.
      claims.release(offer.id(), bookingId, null);
      throw e;
    }
    claims.confirm(offer.id(), bookingId, slot.start(), meeting.providerEventId());
    log(offer, mailbox, meeting, slot, attendee, address, bookingId);
    return new Booked(slot.start(), slot.end(), offer.timeZone());
  }

  /** Logs the meeting to the attendee's records; the meeting stands even when this fails. */
  private void log(
      AvailabilityOffer offer,
      ConnectedMailbox mailbox,
      CreatedMeeting meeting,
      Slot slot,
      String attendee,
      String address,
      String bookingId) {
    try {
      LinkedHashSet<String> records = new LinkedHashSet<>();
      for (ParticipantMatcher.Match match : matcher.match(offer.orgId(), List.of(address))) {
        records.addAll(match.contactIds());
        records.addAll(match.leadIds());
        records.addAll(match.accountIds());
      }
      if (records.isEmpty()) {
        return;
      }
      String repName = users.find(offer.orgId(), offer.userId()).displayName();
      CalendarEvent event =
          new CalendarEvent(
              mailbox.kind().name().toLowerCase(Locale.ROOT),
              meeting.providerEventId(),
              meeting.iCalUid(),
              "Meeting: " + repName + " and " + attendee,
              slot.start(),
              slot.end(),
              offer.timeZone(),
              null,
              new MailAddress(mailbox.address(), repName),
              List.of(
                  new CalendarEvent.Attendee(
                      new MailAddress(address, attendee), CalendarEvent.Response.NONE)),
              null);
      String activityId = activities.storeEvent(offer.orgId(), event, records, offer.userId()).id();
      claims.logged(bookingId, meeting.providerEventId(), activityId);
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "A booked meeting could not be logged to the CRM: {0}",
          e.getClass().getName());
    }
  }

  private AvailabilityOffer offerOf(String token, String offerId) {
    BookingTokens.Grant grant =
        tokens.verify(token).orElseThrow(() -> new NotFound("Booking page"));
    if (offerId != null && !offerId.equals(grant.offerId())) {
      throw new NotFound("Booking page");
    }
    if (!clock.instant().isBefore(grant.expiresAt())) {
      throw new Expired("booking_expired", "This booking link has expired");
    }
    AvailabilityOffer offer = em.find(AvailabilityOffer.class, grant.offerId());
    if (offer == null) {
      throw new NotFound("Booking page");
    }
    return offer;
  }

  /** The offer as stored now (outside a transaction every find reads the database). */
  private AvailabilityOffer fresh(String offerId) {
    return em.find(AvailabilityOffer.class, offerId);
  }

  private static List<Slot> slots(List<Instant[]> pairs) {
    return pairs.stream().map(p -> new Slot(p[0], p[1])).toList();
  }

  private String bookingUrl(String token) {
    String base = settings.publicUrl();
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/book/" + token;
  }

  static ZoneId zone(String name) {
    try {
      return ZoneId.of(name.strip());
    } catch (DateTimeException e) {
      throw new InvalidField("timeZone", "must be a time zone like Europe/Berlin");
    }
  }

  private static String validName(String name) {
    String n = name == null ? "" : name.strip();
    if (n.isEmpty() || n.length() > MAX_NAME || n.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidField("name", "must be a name of 1 to " + MAX_NAME + " characters");
    }
    return n;
  }

  private static String validEmail(String email) {
    String e = email == null ? "" : email.strip();
    if (e.length() > 254 || !EMAIL.matcher(e).matches()) {
      throw new InvalidField("email", "must be an email address");
    }
    return e;
  }

  private ConnectedMailbox calendarMailbox(Owner owner, String mailboxId) {
    return mailboxes.chosen(
        new SendingMailboxes.Asker(
            owner.orgId(), owner.userId(), owner.sessionMailbox(), owner.onExchange()),
        mailboxId,
        kind -> calendars.of(kind).isPresent(),
        "is a mailbox whose calendar Mailbridge cannot read",
        "Connect your Microsoft 365 or Google mailbox first (or, on Exchange on-premises, ask an"
            + " admin to connect the org's Exchange server): availability reads its calendar");
  }
}
