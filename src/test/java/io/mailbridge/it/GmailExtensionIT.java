package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.crm.control.Records;
import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Gmail extension's backend against the fake Gmail: logging with a chosen attachment through
 * Google's API client, the "Logged to CRM" label, participants from headers only, and refusals.
 */
@ExtendWith(ArquillianExtension.class)
class GmailExtensionIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject Records records;

  // Started on first use inside the server: JUnit also makes instances in the client JVM.
  private static FakeProviders fake() {
    return FakeProviders.get();
  }

  private String base() {
    return "http://127.0.0.1:" + request.getLocalPort();
  }

  private ApiClient api() {
    return new ApiClient(base());
  }

  private static final byte[] QUOTE =
      "%PDF-1.4 the quote, as bytes that must come back intact\u00ff"
          .getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] LOGO =
      "\u0089PNG a logo that nobody chose".getBytes(StandardCharsets.ISO_8859_1);

  /** A message from Nora with a text body (part 0) and two attachments (parts 1 and 2). */
  private static byte[] message(String messageId, String to) {
    String mime =
        "MIME-Version: 1.0\r\n"
            + "From: Nora Field <nora.field@fabrikam.example>\r\n"
            + "To: "
            + to
            + "\r\n"
            + "Cc: Olga Berg <olga.berg@fabrikam.example>, not an address\r\n"
            + "Subject: The quote you asked for\r\n"
            + "Date: Tue, 03 Jun 2025 09:12:33 +0000\r\n"
            + "Message-ID: <"
            + messageId
            + ">\r\n"
            + "Content-Type: multipart/mixed; boundary=\"m1\"\r\n\r\n"
            + "--m1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHere is the quote.\r\n"
            + "--m1\r\nContent-Type: application/pdf; name=\"quote.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"quote.pdf\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(QUOTE)
            + "\r\n"
            + "--m1\r\nContent-Type: image/png; name=\"logo.png\"\r\n"
            + "Content-Disposition: attachment; filename=\"logo.png\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(LOGO)
            + "\r\n"
            + "--m1--\r\n";
    return mime.getBytes(StandardCharsets.UTF_8);
  }

  private String contact(String orgId, String email) {
    return records
        .create(
            orgId,
            RecordType.CONTACTS,
            Json.createObjectBuilder()
                .add("firstName", "Nora")
                .add("lastName", "Field")
                .add("emails", Json.createArrayBuilder().add(email))
                .build())
        .getString("id");
  }

  private static String logBody(
      String messageId, List<String> recordIds, List<String> attachmentIds) {
    JsonArrayBuilder recordArray = Json.createArrayBuilder();
    recordIds.forEach(recordArray::add);
    JsonArrayBuilder attachmentArray = Json.createArrayBuilder();
    attachmentIds.forEach(attachmentArray::add);
    return Json.createObjectBuilder()
        .add("messageId", messageId)
        .add("recordIds", recordArray)
        .add("attachmentIds", attachmentArray)
        .build()
        .toString();
  }

  /** An org, its rep with a connected Gmail mailbox holding one message, and Nora as a contact. */
  private record Setup(
      Org org, String account, String mailboxId, String messageId, String contactId) {}

  private Setup setup() {
    Org org = OAuthOrgs.create(testOrgs, api(), fake());
    String account = OAuthOrgs.account("rep");
    String mailboxId = OAuthOrgs.connect(base(), org.repToken(), "google", account);
    String messageId =
        Long.toHexString(UUID.randomUUID().getMostSignificantBits() & Long.MAX_VALUE);
    fake()
        .addGmailMessage(
            account,
            messageId,
            message("gmail-" + UUID.randomUUID() + "@fabrikam.example", account),
            "INBOX");
    return new Setup(
        org,
        account,
        mailboxId,
        messageId,
        contact(org.admin().orgId(), "nora.field@fabrikam.example"));
  }

  @Test
  void logsTheMessageWithTheChosenAttachmentOnceAndLabelsIt() {
    Setup s = setup();
    int gmailCallsBefore = fake().gmailRequests.size();
    ApiClient.Reply logged =
        api()
            .post(
                "/api/gmail/log",
                s.org().repToken(),
                logBody(s.messageId(), List.of(s.contactId()), List.of("1")));
    assertEquals(200, logged.status(), logged.body());
    JsonObject answer = logged.json();
    assertFalse(answer.getBoolean("alreadyLogged"));
    assertEquals("Logged to CRM", answer.getJsonObject("label").getString("name"));
    assertTrue(answer.getJsonObject("label").getBoolean("added"));
    List<String> calls =
        fake().gmailRequests.subList(gmailCallsBefore, fake().gmailRequests.size());
    assertTrue(
        calls.get(0).startsWith("GET /google/gmail/v1/users/me/messages/" + s.messageId()),
        calls.toString());
    assertTrue(calls.get(0).contains("format=raw"), calls.toString());

    String activityId = answer.getString("activityId");
    JsonObject activity = api().get("/api/activities/" + activityId, s.org().repToken()).json();
    assertEquals("The quote you asked for", activity.getString("subject"));
    assertEquals(1, activity.getJsonArray("attachments").size(), "only the chosen attachment");
    JsonObject attachment = activity.getJsonArray("attachments").getJsonObject(0);
    assertEquals("quote.pdf", attachment.getString("name"));
    HttpResponse<byte[]> bytes =
        api()
            .getBytes(
                "/api/activities/" + activityId + "/attachments/" + attachment.getInt("n"),
                s.org().repToken());
    assertEquals(200, bytes.statusCode());
    assertArrayEquals(QUOTE, bytes.body());

    String labelId = fake().gmailLabels.get(s.account()).get("Logged to CRM");
    assertTrue(fake().gmail.get(s.account()).get(s.messageId()).labelIds().contains(labelId));

    ApiClient.Reply again =
        api()
            .post(
                "/api/gmail/log",
                s.org().repToken(),
                logBody(s.messageId(), List.of(s.contactId()), List.of("1")));
    assertEquals(200, again.status(), again.body());
    assertTrue(again.json().getBoolean("alreadyLogged"));
    assertEquals(activityId, again.json().getString("activityId"));
    assertEquals(
        1,
        fake().gmailLabels.get(s.account()).keySet().stream()
            .filter(n -> n.equals("Logged to CRM"))
            .count());
    assertEquals(
        3, fake().gmailLabels.get(s.account()).size(), "INBOX, SENT and one label of ours");
  }

  @Test
  void contextComesFromHeadersOnly() {
    Setup s = setup();
    int before = fake().gmailRequests.size();
    ApiClient.Reply context =
        api().get("/api/gmail/context?messageId=" + s.messageId(), s.org().repToken());
    assertEquals(200, context.status(), context.body());
    List<JsonObject> participants =
        context.json().getJsonArray("participants").getValuesAs(JsonObject.class);
    assertEquals("nora.field@fabrikam.example", participants.get(0).getString("email"));
    assertEquals(
        s.contactId(),
        participants.get(0).getJsonArray("contacts").getJsonObject(0).getString("id"));
    assertTrue(
        participants.stream()
            .anyMatch(p -> p.getString("email").equals("olga.berg@fabrikam.example")));
    List<String> calls = fake().gmailRequests.subList(before, fake().gmailRequests.size());
    assertEquals(1, calls.size(), calls.toString());
    assertTrue(calls.get(0).contains("format=metadata"), calls.toString());
    assertFalse(calls.get(0).contains("format=raw"));
  }

  @Test
  void refusesOtherOrgsRecordsOtherUsersMailboxesAndBadInput() {
    Setup s = setup();
    Org stranger = OAuthOrgs.create(testOrgs, api(), fake());
    String foreignContact = contact(stranger.admin().orgId(), "nora.field@fabrikam.example");
    int before = fake().gmailRequests.size();

    ApiClient.Reply crossOrg =
        api()
            .post(
                "/api/gmail/log",
                s.org().repToken(),
                logBody(s.messageId(), List.of(foreignContact), List.of()));
    assertEquals(404, crossOrg.status(), crossOrg.body());

    // a colleague names the rep's mailbox
    io.mailbridge.platform.security.entity.AppUser colleague =
        testOrgs.user(s.org().admin().orgId(), "USER", "colleague");
    String colleagueToken = api().accessToken(colleague.email(), TestOrgs.PASSWORD);
    String withMailbox =
        Json.createObjectBuilder()
            .add("mailboxId", s.mailboxId())
            .add("messageId", s.messageId())
            .add("recordIds", Json.createArrayBuilder().add(s.contactId()))
            .build()
            .toString();
    assertEquals(404, api().post("/api/gmail/log", colleagueToken, withMailbox).status());
    // an admin of another org names it
    assertEquals(404, api().post("/api/gmail/log", stranger.adminToken(), withMailbox).status());
    // the colleague has no Gmail connected
    ApiClient.Reply none =
        api()
            .post(
                "/api/gmail/log",
                colleagueToken,
                logBody(s.messageId(), List.of(s.contactId()), List.of()));
    assertEquals(409, none.status());
    assertEquals("mailbox_not_connected", none.error());
    assertEquals(
        before, fake().gmailRequests.size(), "nothing was read from Gmail for refused calls");

    assertEquals(
        404,
        api()
            .post(
                "/api/gmail/log",
                s.org().repToken(),
                logBody("ffffffffffff", List.of(s.contactId()), List.of()))
            .status());
    ApiClient.Reply notAPart =
        api()
            .post(
                "/api/gmail/log",
                s.org().repToken(),
                logBody(s.messageId(), List.of(s.contactId()), List.of("0")));
    assertEquals(400, notAPart.status(), "part 0 is the text body");
    ApiClient.Reply badId =
        api()
            .post(
                "/api/gmail/log",
                s.org().repToken(),
                logBody("../../labels", List.of(s.contactId()), List.of()));
    assertEquals(400, badId.status());
    assertEquals(400, api().post("/api/gmail/log", s.org().repToken(), "{\"messageId\":").status());
    assertEquals(
        401,
        api()
            .post("/api/gmail/log", null, logBody(s.messageId(), List.of(s.contactId()), List.of()))
            .status());
  }
}
