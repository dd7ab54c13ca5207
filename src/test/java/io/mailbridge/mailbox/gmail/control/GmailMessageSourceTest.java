package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.MessagePartHeader;
import io.mailbridge.mailbox.control.LoggedMark;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MessageSourceContract;
import io.mailbridge.mailbox.control.ProviderBusy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The message source contract for Gmail: everything of {@link GmailMailbox} but its HTTP calls,
 * which answer Gmail API models as {@code format=raw} and {@code format=metadata} do.
 */
class GmailMessageSourceTest extends MessageSourceContract {

  private static final String MIME =
      "From: Nora Field <nora@fabrikam.example>\r\nTo: sam@mailbridge.example\r\n"
          + "Cc: ops@fabrikam.example\r\nSubject: Quote\r\n"
          + "Message-ID: <quote-1@fabrikam.example>\r\n"
          + "Date: Tue, 03 Jun 2025 09:12:33 +0000\r\n"
          + "Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
          + "--outer\r\nContent-Type: text/plain\r\n\r\nThe quote\r\n"
          + "--outer\r\nContent-Type: text/csv; name=\"quote.csv\"\r\n"
          + "Content-Disposition: attachment; filename=\"quote.csv\"\r\n\r\nx,y\r\n"
          + "--outer\r\nContent-Type: application/octet-stream\r\n"
          + "Content-Disposition: attachment; filename=\"terms.bin\"\r\n"
          + "Content-Transfer-Encoding: base64\r\n\r\n"
          + Base64.getEncoder().encodeToString("terms".getBytes(StandardCharsets.UTF_8))
          + "\r\n--outer--\r\n";

  /** Gmail's API with one message; a label call fails when {@code labelRefusal} is set. */
  static final class OfflineGmail extends GmailMailbox {
    RuntimeException labelRefusal;

    @Override
    Message raw(MailboxAccess mailbox, String messageId) {
      known(messageId);
      return new Message()
          .setId(messageId)
          .setLabelIds(List.of("INBOX"))
          .setRaw(Base64.getUrlEncoder().encodeToString(MIME.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    Message metadata(MailboxAccess mailbox, String messageId) {
      known(messageId);
      return new Message()
          .setPayload(
              new MessagePart()
                  .setHeaders(
                      List.of(
                          header("From", "Nora Field <nora@fabrikam.example>"),
                          header("To", "sam@mailbridge.example"),
                          header("Cc", "ops@fabrikam.example"))));
    }

    @Override
    String addLoggedLabel(MailboxAccess mailbox, String messageId) {
      if (labelRefusal != null) {
        throw labelRefusal;
      }
      return "Label_7";
    }

    private static void known(String messageId) {
      if (!messageId.equals("18c0ffee")) {
        throw problemOf(
            new HttpResponseException.Builder(404, "Not Found", new HttpHeaders()).build());
      }
    }

    private static MessagePartHeader header(String name, String value) {
      return new MessagePartHeader().setName(name).setValue(value);
    }
  }

  private final OfflineGmail gmail = new OfflineGmail();

  @Override
  protected Mailbox mailbox() {
    return new Mailbox(
        gmail,
        new MailboxAccess(MailboxKind.GMAIL, "org-1", "c1", null, () -> "token"),
        "18c0ffee",
        "Quote",
        "nora@fabrikam.example",
        List.of("sam@mailbridge.example", "ops@fabrikam.example"),
        Map.of(
            "1", "x,y".getBytes(StandardCharsets.UTF_8),
            "2", "terms".getBytes(StandardCharsets.UTF_8)),
        "no-such-message");
  }

  @Test
  void aRefusedLabelLeavesTheMarkUnwrittenInsteadOfFailingTheLog() {
    gmail.labelRefusal = new ProviderBusy("gmail_unavailable", "busy", Duration.ofSeconds(5));
    LoggedMark mark = gmail.markLogged(mailbox().access(), "18c0ffee", "activity-1");
    assertEquals(GmailMailbox.LOGGED_LABEL, mark.name());
    assertFalse(mark.written());
    gmail.labelRefusal = null;
    assertTrue(gmail.markLogged(mailbox().access(), "18c0ffee", "activity-1").written());
  }

  @Test
  void gmailKeepsALabelNotTheActivityId() {
    assertNull(gmail.loggedActivity(mailbox().access(), "18c0ffee"));
  }
}
