package io.mailbridge.mailbox.graph.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.models.Attachment;
import com.microsoft.graph.models.FileAttachment;
import com.microsoft.kiota.ApiExceptionBuilder;
import io.mailbridge.mailbox.control.LoggedMark;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MessageSourceContract;
import io.mailbridge.mailbox.control.ReadMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The message source contract for Microsoft Graph: everything of {@link GraphMailbox} but its HTTP
 * calls, which answer the Graph SDK's models as {@code $value} and {@code /attachments} do.
 */
class GraphMessageSourceTest extends MessageSourceContract {

  private static final String MIME =
      "From: Nora Field <nora@fabrikam.example>\r\nTo: sam@contoso.example\r\n"
          + "Cc: ops@fabrikam.example\r\nSubject: Contract\r\n"
          + "Message-ID: <contract-1@fabrikam.example>\r\n"
          + "Date: Tue, 03 Jun 2025 09:12:33 +0000\r\n"
          + "Content-Type: text/plain\r\n\r\nSee attached\r\n";

  /** Graph with one message; counts attachment downloads and remembers written properties. */
  static final class OfflineGraph extends GraphMailbox {
    final List<String> downloads = new ArrayList<>();
    final List<String> written = new ArrayList<>();

    @Override
    byte[] mime(MailboxAccess mailbox, String messageId) {
      known(messageId);
      return MIME.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    List<Attachment> attachmentList(MailboxAccess mailbox, String messageId) {
      known(messageId);
      return List.of(file("AAMkAtt1", "contract.pdf", 9), file("AAMkAtt2", "annex.txt", 5));
    }

    @Override
    byte[] attachmentBytes(MailboxAccess mailbox, String messageId, String attachmentId) {
      downloads.add(attachmentId);
      return (attachmentId.equals("AAMkAtt1") ? "%PDF-1.7\n" : "annex").getBytes();
    }

    @Override
    void writeLoggedMark(MailboxAccess mailbox, String messageId, String activityId) {
      written.add(messageId + "=" + activityId);
    }

    private static void known(String messageId) {
      if (!messageId.equals("AAMkMsg1")) {
        throw problemOf(new ApiExceptionBuilder().withResponseStatusCode(404).build());
      }
    }

    private static Attachment file(String id, String name, int size) {
      FileAttachment attachment = new FileAttachment();
      attachment.setId(id);
      attachment.setName(name);
      attachment.setContentType(name.endsWith(".pdf") ? "application/pdf" : "text/plain");
      attachment.setSize(size);
      return attachment;
    }
  }

  private final OfflineGraph graph = new OfflineGraph();

  @Override
  protected Mailbox mailbox() {
    return new Mailbox(
        graph,
        new MailboxAccess(MailboxKind.GRAPH, "org-1", "c1", null, () -> "token"),
        "AAMkMsg1",
        "Contract",
        "nora@fabrikam.example",
        List.of("sam@contoso.example", "ops@fabrikam.example"),
        Map.of(
            "AAMkAtt1", "%PDF-1.7\n".getBytes(StandardCharsets.UTF_8),
            "AAMkAtt2", "annex".getBytes(StandardCharsets.UTF_8)),
        "AAMkGone");
  }

  @Test
  void attachmentBytesAreFetchedOnlyWhenSomeoneReadsThem() throws Exception {
    MailboxAccess access = mailbox().access();
    ReadMessage read = graph.read(access, "AAMkMsg1");
    assertTrue(graph.downloads.isEmpty(), "reading describes, it does not download");
    graph.open(access, read, List.of("AAMkAtt2")).get(0).content().open().close();
    assertEquals(List.of("AAMkAtt2"), graph.downloads);
  }

  @Test
  void theServerWritesTheLoggedPropertyIntoTheMessage() {
    LoggedMark mark = graph.markLogged(mailbox().access(), "AAMkMsg1", "activity-5");
    assertEquals(GraphMailbox.LOGGED_PROPERTY_SET, mark.propertySetId());
    assertEquals(GraphMailbox.LOGGED_PROPERTY_NAME, mark.name());
    assertTrue(mark.written());
    assertEquals(List.of("AAMkMsg1=activity-5"), graph.written);
  }
}
