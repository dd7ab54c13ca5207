package io.mailbridge.mailbox.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The {@link ChangeFeed} of each kind of mailbox that has one. */
@ApplicationScoped
public class ChangeFeeds {

  @Inject @Any Instance<ChangeFeed> implementations;

  private final Map<MailboxKind, ChangeFeed> byKind = new EnumMap<>(MailboxKind.class);

  @PostConstruct
  void index() {
    for (ChangeFeed feed : implementations) {
      if (byKind.put(feed.kind(), feed) != null) {
        throw new IllegalStateException("Two change feeds for " + feed.kind());
      }
    }
  }

  /** The feed of this kind, or empty when capture cannot follow such mailboxes yet. */
  public Optional<ChangeFeed> of(MailboxKind kind) {
    return Optional.ofNullable(byKind.get(kind));
  }
}
