package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.http.HttpResponseException;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MessageSender;
import io.mailbridge.mailbox.control.SendRefused;
import io.mailbridge.platform.outbound.control.OutboundCall;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Sends from a Gmail mailbox through Google's API client: {@code users.messages.send} with the
 * message as {@code raw} (Gmail labels it SENT), and a search of the sent mail by {@code
 * rfc822msgid:}.
 */
@ApplicationScoped
public class GmailMessageSender implements MessageSender {

  private static final OutboundCall SEND_MESSAGE = new OutboundCall("gmail", "send_message");
  private static final OutboundCall FIND_SENT = new OutboundCall("gmail", "find_sent");

  @Inject GmailMailbox gmail;

  @Override
  public MailboxKind kind() {
    return MailboxKind.GMAIL;
  }

  @Override
  public void send(MailboxAccess mailbox, byte[] mime) {
    Message message = new Message().encodeRaw(mime);
    GmailMailbox.call(
        () -> {
          try {
            return gmail
                .client(mailbox.credential(), SEND_MESSAGE)
                .users()
                .messages()
                .send(GmailMailbox.ME, message)
                .execute();
          } catch (HttpResponseException e) {
            int status = e.getStatusCode();
            if (status >= 400 && status < 500 && status != 408 && status != 429) {
              throw new SendRefused(
                  status == 401 ? "gmail_unauthorized" : "gmail_send_refused",
                  status == 401
                      ? "Gmail did not accept Mailbridge's access to the mailbox; connect it again"
                      : "Gmail refused the message (answer " + status + ")");
            }
            throw e;
          }
        });
  }

  @Override
  public boolean sentItemWith(MailboxAccess mailbox, String internetMessageId) {
    String bare = internetMessageId.replaceAll("^<|>$", "");
    ListMessagesResponse found =
        GmailMailbox.call(
            () ->
                gmail
                    .client(mailbox.credential(), FIND_SENT)
                    .users()
                    .messages()
                    .list(GmailMailbox.ME)
                    .setQ("in:sent rfc822msgid:" + bare)
                    .setMaxResults(1L)
                    .execute());
    return found != null && found.getMessages() != null && !found.getMessages().isEmpty();
  }
}
