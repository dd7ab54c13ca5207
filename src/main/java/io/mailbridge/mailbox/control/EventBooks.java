package io.mailbridge.mailbox.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The {@link EventBook} of each kind of mailbox whose calendar event sync reaches. */
@ApplicationScoped
public class EventBooks {

  @Inject @Any Instance<EventBook> implementations;

  private final Map<MailboxKind, EventBook> byKind = new EnumMap<>(MailboxKind.class);

  @PostConstruct
  void index() {
    for (EventBook book : implementations) {
      if (byKind.put(book.kind(), book) != null) {
        throw new IllegalStateException("Two event books for " + book.kind());
      }
    }
  }

  /** The book of this kind, or empty when event sync cannot reach such mailboxes yet. */
  public Optional<EventBook> of(MailboxKind kind) {
    return Optional.ofNullable(byKind.get(kind));
  }
}
