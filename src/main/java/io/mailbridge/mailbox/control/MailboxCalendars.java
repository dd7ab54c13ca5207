package io.mailbridge.mailbox.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The {@link MailboxCalendar} of each kind of mailbox whose calendar Mailbridge can use. */
@ApplicationScoped
public class MailboxCalendars {

  @Inject @Any Instance<MailboxCalendar> implementations;

  private final Map<MailboxKind, MailboxCalendar> byKind = new EnumMap<>(MailboxKind.class);

  @PostConstruct
  void index() {
    for (MailboxCalendar calendar : implementations) {
      if (byKind.put(calendar.kind(), calendar) != null) {
        throw new IllegalStateException("Two calendars for " + calendar.kind());
      }
    }
  }

  /** The calendar of this kind, or empty when Mailbridge cannot use such calendars yet. */
  public Optional<MailboxCalendar> of(MailboxKind kind) {
    return Optional.ofNullable(byKind.get(kind));
  }
}
