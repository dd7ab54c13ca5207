package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.mailbox.control.CalendarChannel;
import io.mailbridge.mailbox.control.CalendarWatch;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps a live mailbox's calendar channel open where the provider pushes calendar changes apart
 * from mail (Google Calendar): opened once the backfill is done and a public URL is set, opened
 * anew (the old one stopped) a day before it ends, since Google channels cannot be extended; only
 * with an HTTPS public URL, the only kind Google calls. The channel is a bonus on top of the poll:
 * a refusal (no calendar scope, an address Google will not call) leaves the calendar to the syncs
 * that mail push and the poll queue, and is asked again after {@code
 * mailbridge.capture.push.retry-after}.
 */
@ApplicationScoped
public class CalendarChannels {

  private static final Logger LOG = Logger.getLogger(CalendarChannels.class.getName());

  static final String NOTIFICATION_PATH = "/api/notify/google-calendar";

  @Inject @Any Instance<CalendarWatch> watches;
  @Inject MailbridgeSettings settings;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.push.enabled", defaultValue = "true")
  boolean pushEnabled;

  @Inject
  @ConfigProperty(name = "mailbridge.capture.push.retry-after", defaultValue = "PT1H")
  Duration retryAfter;

  /** How long a calendar channel is asked to last; Google may end it sooner. */
  @Inject
  @ConfigProperty(
      name = "mailbridge.capture.google-calendar.channel-lifetime",
      defaultValue = "P7D")
  Duration lifetime;

  Clock clock = Clock.systemUTC();

  /** Opens or renews the calendar's channel of a live mailbox where its provider has one. */
  public void keepOpen(CaptureCursor cursor, MailboxKind kind, MailboxAccess access) {
    Optional<CalendarWatch> found = watchOf(kind);
    // Google calls HTTPS addresses only; without one it would refuse every watch.
    if (found.isEmpty()
        || !pushEnabled
        || settings.value("mailbridge.public-url").isEmpty()
        || !settings.publicUrl().startsWith("https://")) {
      return;
    }
    Instant now = clock.instant();
    boolean open = cursor.calendarChannelId() != null;
    if (open
        && cursor.calendarChannelExpiresAt() != null
        && cursor.calendarChannelExpiresAt().isAfter(now.plus(Duration.ofDays(1)))) {
      return;
    }
    if (!open
        && cursor.calendarWatchFailedAt() != null
        && cursor.calendarWatchFailedAt().isAfter(now.minus(retryAfter))) {
      return;
    }
    CalendarWatch watch = found.get();
    try {
      CalendarChannel channel =
          watch.watch(
              access,
              settings.publicUrl() + NOTIFICATION_PATH,
              cursor.clientState(),
              now.plus(lifetime));
      if (open) {
        stopQuietly(watch, access, cursor);
      }
      cursor.calendarWatched(channel.id(), channel.resourceId(), channel.expiresAt(), now);
    } catch (RuntimeException e) {
      LOG.info(
          () ->
              "Capture of mailbox "
                  + cursor.mailboxId()
                  + ": its calendar has no push channel ("
                  + e.getMessage()
                  + "); calendar changes are read by the syncs mail and the poll queue");
      if (!open) {
        cursor.calendarWatchFailed(now);
      }
    }
  }

  /** The calendar channel {@code cursor} notes. */
  static CalendarChannel channelOf(CaptureCursor cursor) {
    return new CalendarChannel(
        cursor.calendarChannelId(), cursor.calendarResourceId(), cursor.calendarChannelExpiresAt());
  }

  private Optional<CalendarWatch> watchOf(MailboxKind kind) {
    return watches.stream().filter(w -> w.kind() == kind).findFirst();
  }

  /** The replaced channel would keep posting until its end; its notifications are refused then. */
  private static void stopQuietly(CalendarWatch watch, MailboxAccess access, CaptureCursor cursor) {
    try {
      watch.stop(access, channelOf(cursor));
    } catch (RuntimeException e) {
      LOG.fine(() -> "A replaced calendar channel could not be stopped: " + e.getMessage());
    }
  }
}
