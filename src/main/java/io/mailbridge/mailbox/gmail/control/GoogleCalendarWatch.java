package io.mailbridge.mailbox.gmail.control;

import com.google.api.services.calendar.model.Channel;
import io.mailbridge.mailbox.control.CalendarChannel;
import io.mailbridge.mailbox.control.CalendarWatch;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

/**
 * Google Calendar push for a Gmail mailbox's primary calendar: {@code events.watch} opens a {@code
 * web_hook} channel to Mailbridge's receiver, {@code channels.stop} ends it
 * (developers.google.com/calendar/api/guides/push). Gmail's Pub/Sub watch covers mail only, so
 * without this a calendar change waits for the next sync that mail or the poll queues.
 */
@ApplicationScoped
public class GoogleCalendarWatch implements CalendarWatch {

  private static final OutboundCall WATCH = new OutboundCall("google_calendar", "watch");
  private static final OutboundCall STOP = new OutboundCall("google_calendar", "stop_channel");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Google's limit on a channel id, which must be unique in the project. */
  static final int MAX_CHANNEL_ID = 64;

  @Inject GoogleCalendar calendar;

  @Override
  public MailboxKind kind() {
    return MailboxKind.GMAIL;
  }

  @Override
  public CalendarChannel watch(
      MailboxAccess mailbox, String notificationUrl, String token, Instant until) {
    Channel request =
        new Channel()
            .setId(newChannelId())
            .setType("web_hook")
            .setAddress(notificationUrl)
            .setToken(token)
            .setExpiration(until.toEpochMilli());
    Channel opened =
        GmailMailbox.call(
            () ->
                calendar
                    .client(mailbox, GoogleCalendarChanges.calendarToken(mailbox), WATCH)
                    .events()
                    .watch(GoogleCalendar.PRIMARY, request)
                    .execute());
    if (opened == null || opened.getResourceId() == null || opened.getResourceId().isBlank()) {
      throw new ProviderRefused(
          "google_calendar_push_unavailable",
          "Google answered the calendar watch without the watched resource's id");
    }
    // Google may end the channel sooner than asked; without an end it keeps the one asked for.
    Instant ends =
        opened.getExpiration() == null ? until : Instant.ofEpochMilli(opened.getExpiration());
    return new CalendarChannel(request.getId(), opened.getResourceId(), ends);
  }

  @Override
  public void stop(MailboxAccess mailbox, CalendarChannel channel) {
    Channel stop = new Channel().setId(channel.id()).setResourceId(channel.resourceId());
    try {
      GmailMailbox.call(
          () ->
              calendar.client(mailbox, mailbox.credential(), STOP).channels().stop(stop).execute());
    } catch (NotFound gone) {
      // Google no longer knows the channel: it is stopped already.
    }
  }

  /** Random and unguessable, from Google's allowed characters, well under its length limit. */
  static String newChannelId() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return "mbcal-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
