package io.mailbridge.mailbox.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The {@link MessageSender} of each kind of mailbox that can send. */
@ApplicationScoped
public class MessageSenders {

  @Inject @Any Instance<MessageSender> implementations;

  private final Map<MailboxKind, MessageSender> byKind = new EnumMap<>(MailboxKind.class);

  @PostConstruct
  void index() {
    for (MessageSender sender : implementations) {
      if (byKind.put(sender.kind(), sender) != null) {
        throw new IllegalStateException("Two message senders for " + sender.kind());
      }
    }
  }

  /** The sender of this kind, or empty when Mailbridge cannot send from such mailboxes yet. */
  public Optional<MessageSender> of(MailboxKind kind) {
    return Optional.ofNullable(byKind.get(kind));
  }
}
