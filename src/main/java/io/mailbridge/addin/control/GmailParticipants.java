package io.mailbridge.addin.control;

import io.mailbridge.crm.control.ParticipantContext;
import io.mailbridge.mailbox.control.ConnectionTokens;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.mailbox.gmail.control.GmailMailbox;
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

  @Inject GmailMailboxOfCaller mailboxes;
  @Inject ConnectionTokens tokens;
  @Inject GmailMailbox gmail;
  @Inject ParticipantContext context;

  public JsonObject of(String orgId, String userId, String mailboxId, String messageId) {
    MailboxConnection mailbox = mailboxes.resolve(orgId, userId, mailboxId);
    List<MailAddress> participants =
        gmail.participants(tokens.accessToken(orgId, mailbox.id()), messageId);
    return context.ofMessage(orgId, participants.stream().map(MailAddress::email).toList());
  }
}
