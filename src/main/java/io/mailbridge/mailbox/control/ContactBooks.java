package io.mailbridge.mailbox.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The {@link ContactBook} of each kind of mailbox whose contacts sync reaches. */
@ApplicationScoped
public class ContactBooks {

  @Inject @Any Instance<ContactBook> implementations;

  private final Map<MailboxKind, ContactBook> byKind = new EnumMap<>(MailboxKind.class);

  @PostConstruct
  void index() {
    for (ContactBook book : implementations) {
      if (byKind.put(book.kind(), book) != null) {
        throw new IllegalStateException("Two contact books for " + book.kind());
      }
    }
  }

  /** The book of this kind, or empty when contact sync cannot reach such mailboxes yet. */
  public Optional<ContactBook> of(MailboxKind kind) {
    return Optional.ofNullable(byKind.get(kind));
  }
}
