package io.mailbridge.addin.control;

import io.mailbridge.crm.control.ParticipantContext;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxChoice;
import io.mailbridge.mailbox.control.MailboxOfCaller;
import io.mailbridge.mailbox.control.MessageSources;
import io.mailbridge.message.MailAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.List;

/**
 * The CRM records of a Gmail message's participants, read from its headers only, so the extension
 * shows them without the message being downloaded.
 */
@ApplicationScoped
public class GmailParticipants {

  @Inject MailboxOfCaller mailboxes;
  @Inject MessageSources sources;
  @Inject ParticipantContext context;

  public JsonObject of(String orgId, String userId, String mailboxId, String messageId) {
    MailboxAccess mailbox = mailboxes.choose(orgId, userId, new MailboxChoice.Gmail(mailboxId));
    List<MailAddress> participants = sources.of(mailbox.kind()).participants(mailbox, messageId);
    return context.ofMessage(orgId, participants.stream().map(MailAddress::email).toList());
  }
}
