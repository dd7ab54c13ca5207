package io.mailbridge.mailbox.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;

/** The {@link MessageSource} of each kind of mailbox, as the providers registered them. */
@ApplicationScoped
public class MessageSources {

  @Inject @Any Instance<MessageSource> implementations;

  private final Map<MailboxKind, MessageSource> byKind = new EnumMap<>(MailboxKind.class);

  @PostConstruct
  void index() {
    for (MessageSource source : implementations) {
      if (byKind.put(source.kind(), source) != null) {
        throw new IllegalStateException("Two message sources for " + source.kind());
      }
    }
  }

  public MessageSource of(MailboxKind kind) {
    MessageSource source = byKind.get(kind);
    if (source == null) {
      throw new IllegalStateException("No message source for " + kind);
    }
    return source;
  }
}
