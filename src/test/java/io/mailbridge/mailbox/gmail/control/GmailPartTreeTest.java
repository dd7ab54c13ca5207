package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.model.Message;
import io.mailbridge.mailbox.control.CapturedItem;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ReadMessage;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MimeMail;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link GmailPartTree} against the shapes Gmail documents for {@code format=full}
 * (developers.google.com/gmail/api/reference/rest/v1/users.messages: {@code MessagePart} with
 * {@code partId}, {@code mimeType}, {@code filename}, {@code headers}, {@code body} and {@code
 * parts}; {@code MessagePartBody} with {@code size}, base64url {@code data}, or an {@code
 * attachmentId} when the data is left out), and against the {@code format=raw} read of the same
 * email, which must come out the same.
 */
class GmailPartTreeTest {

  private static final BodyFetchLog NO_FETCH = new BodyFetchLog(Map.of());

  /** What {@code messages.attachments.get} was asked for, answering from a fixed set. */
  private static final class BodyFetchLog implements GmailPartTree.BodyFetch {
    final Map<String, byte[]> answers;
    final List<String> asked = new ArrayList<>();

    BodyFetchLog(Map<String, byte[]> answers) {
      this.answers = answers;
    }

    @Override
    public byte[] data(String attachmentId) {
      asked.add(attachmentId);
      byte[] data = answers.get(attachmentId);
      if (data == null) {
        throw new AssertionError("fetched " + attachmentId);
      }
      return data;
    }
  }

  private static Message parsed(String json) throws IOException {
    return GsonFactory.getDefaultInstance().fromString(json, Message.class);
  }

  /** Base64url of the text's bytes in the charset, as Gmail sends {@code body.data}. */
  private static String data(String text, Charset charset) {
    return Base64.getUrlEncoder().encodeToString(text.getBytes(charset));
  }

  private static String data(String text) {
    return data(text, StandardCharsets.UTF_8);
  }

  private static String header(String name, String value) {
    return "{\"name\":\"" + name + "\",\"value\":\"" + value.replace("\"", "\\\"") + "\"}";
  }

  private static final String TOP_HEADERS =
      String.join(
          ",",
          header("From", "Nora Field <nora@fabrikam.example>"),
          header("To", "sam@mailbridge.example, =?UTF-8?Q?J=C3=B6rg_Ops?= <ops@fabrikam.example>"),
          header("Cc", "legal@fabrikam.example"),
          header("Subject", "=?UTF-8?Q?Angebot_f=C3=BCr_Q3?="),
          header("Date", "Tue, 03 Jun 2025 09:12:33 +0000"),
          header("Message-ID", "<quote-7@fabrikam.example>"),
          header("In-Reply-To", "<quote-6@mailbridge.example>"),
          header("References", "<quote-1@mailbridge.example> <quote-6@mailbridge.example>"),
          header("List-Unsubscribe", "<mailto:leave@fabrikam.example>"),
          header("Auto-Submitted", "auto-generated"));

  @Test
  void aSinglePartTextMessageIsItsPayloadsBody() throws Exception {
    Message full =
        parsed(
            """
            {"id":"m1","threadId":"m1","labelIds":["INBOX"],"sizeEstimate":355,
             "payload":{"partId":"","mimeType":"text/plain","filename":"",
               "headers":[%s,%s],
               "body":{"size":31,"data":"%s"}}}
            """
                .formatted(
                    TOP_HEADERS,
                    header("Content-Type", "text/plain; charset=UTF-8"),
                    data("This is the plain text message\n")));

    CapturedItem item = GmailPartTree.read("m1", full, NO_FETCH);

    MailMessage m = item.read().message();
    assertEquals("gmail", m.provider());
    assertEquals("m1", m.providerItemId());
    assertEquals("<quote-7@fabrikam.example>", m.internetMessageId());
    assertEquals("<quote-1@mailbridge.example>", m.threadId());
    assertEquals("Angebot für Q3", m.subject());
    assertEquals(new MailAddress("nora@fabrikam.example", "Nora Field"), m.from());
    assertEquals(
        List.of(
            new MailAddress("sam@mailbridge.example", null),
            new MailAddress("ops@fabrikam.example", "Jörg Ops")),
        m.to());
    assertEquals(List.of(new MailAddress("legal@fabrikam.example", null)), m.cc());
    assertEquals("2025-06-03T09:12:33Z", m.sentAt().toString());
    assertEquals("This is the plain text message\n", m.textBody());
    assertNull(m.htmlBody());
    assertFalse(m.ownerSent());
    assertEquals(355, m.size());
    assertTrue(m.attachments().isEmpty());
    assertEquals("<mailto:leave@fabrikam.example>", item.marks().header("List-Unsubscribe"));
    assertEquals("auto-generated", item.marks().header("auto-submitted"));
  }

  @Test
  void anAlternativeMessageGivesItsTextAndHtmlAndASentOneKeepsItsBcc() throws Exception {
    Message full =
        parsed(
            """
            {"id":"m2","labelIds":["SENT"],"sizeEstimate":900,
             "payload":{"partId":"","mimeType":"multipart/alternative","filename":"",
               "headers":[%s,%s,%s],
               "body":{"size":0},
               "parts":[
                 {"partId":"0","mimeType":"text/plain","filename":"",
                  "headers":[%s],"body":{"size":6,"data":"%s"}},
                 {"partId":"1","mimeType":"text/html","filename":"",
                  "headers":[%s],"body":{"size":13,"data":"%s"}}]}}
            """
                .formatted(
                    TOP_HEADERS,
                    header("Bcc", "boss@mailbridge.example"),
                    header("Content-Type", "multipart/alternative; boundary=\"b\""),
                    header("Content-Type", "text/plain; charset=UTF-8"),
                    data("Hello\n"),
                    header("Content-Type", "text/html; charset=UTF-8"),
                    data("<p>Hello</p>\n")));

    MailMessage m = GmailPartTree.read("m2", full, NO_FETCH).read().message();

    assertEquals("Hello\n", m.textBody());
    assertEquals("<p>Hello</p>\n", m.htmlBody());
    assertTrue(m.ownerSent());
    assertEquals(List.of(new MailAddress("boss@mailbridge.example", null)), m.bcc());
    assertTrue(m.attachments().isEmpty());
  }

  @Test
  void attachmentsOfANestedMessageAreDescribedByPartIdAndNeverFetched() throws Exception {
    Message full = parsed(nestedWithAttachments());
    BodyFetchLog fetch = new BodyFetchLog(Map.of());

    ReadMessage read = GmailPartTree.read("m3", full, fetch).read();

    assertEquals("The quote.\n", read.message().textBody());
    assertEquals("<b>The quote.</b>\n", read.message().htmlBody());
    assertEquals(
        List.of(
            new MailAttachment("quote.pdf", "application/pdf", 2_345_678, null),
            new MailAttachment("terms.csv", "text/csv", 120, null),
            new MailAttachment("logo.png", "image/png", 5_000, null)),
        read.message().attachments());
    assertEquals(List.of("1.0", "1.1", "2"), List.copyOf(read.attachments().keySet()));
    assertEquals("terms.csv", read.attachments().get("1.1").name());
    assertTrue(fetch.asked.isEmpty(), fetch.asked.toString());
  }

  /**
   * mixed[alternative[text 0.0, html 0.1] 0, mixed[pdf 1.0, csv 1.1] 1, inline image 2]; Gmail
   * leaves every file's data out and names it by attachment id.
   */
  private static String nestedWithAttachments() {
    return """
        {"id":"m3","labelIds":["INBOX"],"sizeEstimate":3200000,
         "payload":{"partId":"","mimeType":"multipart/mixed","filename":"",
           "headers":[%s,%s],"body":{"size":0},
           "parts":[
             {"partId":"0","mimeType":"multipart/alternative","filename":"",
              "headers":[%s],"body":{"size":0},
              "parts":[
                {"partId":"0.0","mimeType":"text/plain","filename":"",
                 "headers":[%s],"body":{"size":11,"data":"%s"}},
                {"partId":"0.1","mimeType":"text/html","filename":"",
                 "headers":[%s],"body":{"size":18,"data":"%s"}}]},
             {"partId":"1","mimeType":"multipart/mixed","filename":"",
              "headers":[%s],"body":{"size":0},
              "parts":[
                {"partId":"1.0","mimeType":"application/pdf","filename":"quote.pdf",
                 "headers":[%s,%s,%s],
                 "body":{"attachmentId":"ANGjdJ_pdf","size":2345678}},
                {"partId":"1.1","mimeType":"text/csv","filename":"terms.csv",
                 "headers":[%s,%s],
                 "body":{"attachmentId":"ANGjdJ_csv","size":120}}]},
             {"partId":"2","mimeType":"image/png","filename":"logo.png",
              "headers":[%s,%s,%s],
              "body":{"attachmentId":"ANGjdJ_png","size":5000}}]}}
        """
        .formatted(
            TOP_HEADERS,
            header("Content-Type", "multipart/mixed; boundary=\"outer\""),
            header("Content-Type", "multipart/alternative; boundary=\"alt\""),
            header("Content-Type", "text/plain; charset=UTF-8"),
            data("The quote.\n"),
            header("Content-Type", "text/html; charset=UTF-8"),
            data("<b>The quote.</b>\n"),
            header("Content-Type", "multipart/mixed; boundary=\"files\""),
            header("Content-Type", "application/pdf; name=\"quote.pdf\""),
            header("Content-Disposition", "attachment; filename=\"quote.pdf\""),
            header("Content-Transfer-Encoding", "base64"),
            header("Content-Type", "text/csv; name=\"terms.csv\""),
            header("Content-Disposition", "attachment; filename=\"terms.csv\""),
            header("Content-Type", "image/png; name=\"logo.png\""),
            header("Content-Disposition", "inline; filename=\"logo.png\""),
            header("Content-ID", "<logo>"));
  }

  @Test
  void aTextPartIsDecodedByTheCharsetItsContentTypeNames() throws Exception {
    // body.data is the part's bytes with the transfer encoding undone, in the part's own charset
    Message full =
        parsed(
            """
            {"id":"m4","labelIds":["INBOX"],"sizeEstimate":400,
             "payload":{"partId":"","mimeType":"text/plain","filename":"",
               "headers":[%s,%s,%s],
               "body":{"size":15,"data":"%s"}}}
            """
                .formatted(
                    TOP_HEADERS,
                    header("Content-Type", "text/plain; charset=\"ISO-8859-1\""),
                    header("Content-Transfer-Encoding", "quoted-printable"),
                    data("Grüße aus Köln\n", StandardCharsets.ISO_8859_1)));

    assertEquals(
        "Grüße aus Köln\n", GmailPartTree.read("m4", full, NO_FETCH).read().message().textBody());
  }

  @Test
  void aPartWithoutABodyIsAnEmptyTextOrAnEmptyFileAndAMessageWithoutAPayloadIsRefused()
      throws Exception {
    Message full =
        parsed(
            """
            {"id":"m5","labelIds":["INBOX"],
             "payload":{"partId":"","mimeType":"multipart/mixed","filename":"",
               "headers":[%s],
               "parts":[
                 {"partId":"0","mimeType":"text/plain","filename":"","headers":[]},
                 {"partId":"1","mimeType":"application/octet-stream","filename":"empty.bin",
                  "headers":[%s],"body":{"size":0}}]}}
            """
                .formatted(
                    TOP_HEADERS, header("Content-Disposition", "attachment; filename=empty.bin")));

    MailMessage m = GmailPartTree.read("m5", full, NO_FETCH).read().message();

    assertEquals("", m.textBody());
    assertEquals(
        List.of(new MailAttachment("empty.bin", "application/octet-stream", 0, null)),
        m.attachments());
    assertEquals(0, m.size());
    assertThrows(
        ProviderRefused.class, () -> GmailPartTree.read("m6", parsed("{\"id\":\"m6\"}"), NO_FETCH));
  }

  @Test
  void aTextBodyGmailLeftOutIsFetchedByItsAttachmentId() throws Exception {
    String html = "<p>" + "long ".repeat(100) + "</p>";
    Message full =
        parsed(
            """
            {"id":"m7","labelIds":["INBOX"],"sizeEstimate":9000,
             "payload":{"partId":"","mimeType":"text/html","filename":"",
               "headers":[%s,%s],
               "body":{"attachmentId":"ANGjdJ_body","size":%d}}}
            """
                .formatted(
                    TOP_HEADERS,
                    header("Content-Type", "text/html; charset=utf-8"),
                    html.length()));
    BodyFetchLog fetch =
        new BodyFetchLog(Map.of("ANGjdJ_body", html.getBytes(StandardCharsets.UTF_8)));

    assertEquals(html, GmailPartTree.read("m7", full, fetch).read().message().htmlBody());
    assertEquals(List.of("ANGjdJ_body"), fetch.asked);
  }

  @Test
  void theSameEmailReadRawAndFullIsTheSameMessageWithTheSameMarks() throws Exception {
    String pdf = "%PDF-1.7 " + "quote ".repeat(400);
    String csv = "item;price\nlicence;100\n";
    String mime =
        "MIME-Version: 1.0\r\n"
            + "From: Nora Field <nora@fabrikam.example>\r\n"
            + "To: sam@mailbridge.example, =?UTF-8?Q?J=C3=B6rg_Ops?= <ops@fabrikam.example>\r\n"
            + "Cc: legal@fabrikam.example\r\n"
            + "Subject: =?UTF-8?Q?Angebot_f=C3=BCr_Q3?=\r\n"
            + "Date: Tue, 03 Jun 2025 09:12:33 +0000\r\n"
            + "Message-ID: <quote-7@fabrikam.example>\r\n"
            + "In-Reply-To: <quote-6@mailbridge.example>\r\n"
            + "References: <quote-1@mailbridge.example> <quote-6@mailbridge.example>\r\n"
            + "List-Unsubscribe: <mailto:leave@fabrikam.example>\r\n"
            + "Auto-Submitted: auto-generated\r\n"
            + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
            + "--outer\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
            + "--alt\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe, the quote.\r\n"
            + "--alt\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>Grüße</p>\r\n"
            + "--alt--\r\n"
            + "--outer\r\nContent-Type: application/pdf; name=\"quote.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"quote.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(pdf.getBytes(StandardCharsets.US_ASCII))
            + "\r\n--outer\r\nContent-Type: text/csv; name=\"terms.csv\"\r\n"
            + "Content-Disposition: attachment; filename=\"terms.csv\"\r\n\r\n"
            + csv.replace("\n", "\r\n")
            + "--outer--\r\n";
    byte[] bytes = mime.getBytes(StandardCharsets.UTF_8);
    Message raw =
        new Message()
            .setId("m8")
            .setLabelIds(List.of("INBOX"))
            .setRaw(Base64.getUrlEncoder().encodeToString(bytes));
    // What Gmail answers for the same email as format=full: the text parts' bytes with their
    // transfer encoding undone (the CRLF before a boundary belongs to the boundary), each file by
    // attachment id and decoded size.
    Message full =
        parsed(
            """
            {"id":"m8","labelIds":["INBOX"],"sizeEstimate":%d,
             "payload":{"partId":"","mimeType":"multipart/mixed","filename":"",
               "headers":[%s,%s,%s],"body":{"size":0},
               "parts":[
                 {"partId":"0","mimeType":"multipart/alternative","filename":"",
                  "headers":[%s],"body":{"size":0},
                  "parts":[
                    {"partId":"0.0","mimeType":"text/plain","filename":"",
                     "headers":[%s,%s],"body":{"size":17,"data":"%s"}},
                    {"partId":"0.1","mimeType":"text/html","filename":"",
                     "headers":[%s],"body":{"size":14,"data":"%s"}}]},
                 {"partId":"1","mimeType":"application/pdf","filename":"quote.pdf",
                  "headers":[%s,%s,%s],"body":{"attachmentId":"ANGjdJ_1","size":%d}},
                 {"partId":"2","mimeType":"text/csv","filename":"terms.csv",
                  "headers":[%s,%s],"body":{"attachmentId":"ANGjdJ_2","size":%d}}]}}
            """
                .formatted(
                    bytes.length,
                    TOP_HEADERS,
                    header("MIME-Version", "1.0"),
                    header("Content-Type", "multipart/mixed; boundary=\"outer\""),
                    header("Content-Type", "multipart/alternative; boundary=\"alt\""),
                    header("Content-Type", "text/plain; charset=ISO-8859-1"),
                    header("Content-Transfer-Encoding", "quoted-printable"),
                    data("Grüße, the quote.", StandardCharsets.ISO_8859_1),
                    header("Content-Type", "text/html; charset=UTF-8"),
                    data("<p>Grüße</p>"),
                    header("Content-Type", "application/pdf; name=\"quote.pdf\""),
                    header("Content-Disposition", "attachment; filename=\"quote.pdf\""),
                    header("Content-Transfer-Encoding", "base64"),
                    pdf.length(),
                    header("Content-Type", "text/csv; name=\"terms.csv\""),
                    header("Content-Disposition", "attachment; filename=\"terms.csv\""),
                    csv.replace("\n", "\r\n").strip().length()));

    ReadMessage byRaw = GmailMailbox.readRaw("m8", raw);
    CapturedItem byFull = GmailPartTree.read("m8", full, NO_FETCH);

    assertEquals(byRaw.message().withAttachmentsDescribed(), byFull.read().message());
    assertEquals(byRaw.message().identity(), byFull.read().message().identity());
    assertEquals(byRaw.attachments().keySet(), byFull.read().attachments().keySet());
    assertEquals(List.of("1", "2"), List.copyOf(byFull.read().attachments().keySet()));
    assertEquals(MimeMail.marks(bytes), byFull.marks());
    assertEquals("Grüße, the quote.", byFull.read().message().textBody());
    assertEquals(23, byFull.read().attachments().get("2").size());
  }
}
