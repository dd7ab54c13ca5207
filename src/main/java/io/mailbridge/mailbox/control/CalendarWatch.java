package io.mailbridge.mailbox.control;

import java.time.Instant;

/**
 * The port through which capture asks a provider to push changes of a mailbox's primary calendar
 * when its mail channel does not cover them (Google Calendar's {@code events.watch}; Graph and EWS
 * have none: their calendars are read by every sync).
 */
public interface CalendarWatch {

  MailboxKind kind();

  /**
   * Opens a channel that posts to {@code notificationUrl} with {@code token} until {@code until}
   * (the provider may shorten it).
   *
   * @throws io.mailbridge.platform.problem.DomainProblem when the provider refuses (no calendar
   *     access, an address it will not call) or cannot be reached
   */
  CalendarChannel watch(MailboxAccess mailbox, String notificationUrl, String token, Instant until);

  /** Stops {@code channel}; one the provider no longer knows is stopped already. */
  void stop(MailboxAccess mailbox, CalendarChannel channel);
}
