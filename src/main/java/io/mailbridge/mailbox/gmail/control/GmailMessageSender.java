package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
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
                .client(mailbox, SEND_MESSAGE)
                .users()
                .messages()
                .send(GmailMailbox.ME, message)
                .execute();
          } catch (HttpResponseException e) {
            throw refusedForGood(e);
          }
        });
  }

  @Override
  public boolean sentItemWith(MailboxAccess mailbox, String internetMessageId) {
    String bare = internetMessageId.replaceAll("^<|>$", "");
    ListMessagesResponse found =
        GmailMailbox.call(
            () -> {
              try {
                return gmail
                    .client(mailbox, FIND_SENT)
                    .users()
                    .messages()
                    .list(GmailMailbox.ME)
                    .setQ("in:sent rfc822msgid:" + bare)
                    .setMaxResults(1L)
                    .execute();
              } catch (HttpResponseException e) {
                // Asked before every send: its refusals mean the same as the send's.
                throw refusedForGood(e);
              }
            });
    return found != null && found.getMessages() != null && !found.getMessages().isEmpty();
  }

  /**
   * A 4xx other than throttling and time-outs will come again: refused for good; anything else goes
   * back to the general mapping (busy, unreachable).
   */
  private static HttpResponseException refusedForGood(HttpResponseException e) {
    int status = e.getStatusCode();
    if (status >= 400 && status < 500 && status != 408 && status != 429 && !isRateLimit(e)) {
      throw new SendRefused(
          status == 401 ? "gmail_unauthorized" : "gmail_send_refused",
          status == 401
              ? "Gmail did not accept Mailbridge's access to the mailbox; connect it again"
              : "Gmail refused the message (answer " + status + ")");
    }
    return e;
  }

  // Gmail answers 403 for its per-user rate limits too: those pass.
  private static boolean isRateLimit(HttpResponseException e) {
    return e instanceof GoogleJsonResponseException json
        && json.getDetails() != null
        && json.getDetails().getErrors() != null
        && json.getDetails().getErrors().stream()
            .anyMatch(
                error ->
                    "rateLimitExceeded".equals(error.getReason())
                        || "userRateLimitExceeded".equals(error.getReason()));
  }
}
