package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.crm.control.Records;
import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.it.providers.FakeProviders;
import io.mailbridge.it.providers.OAuthOrgs;
import io.mailbridge.it.providers.OAuthOrgs.Org;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MimeMail;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobRunner;
import io.mailbridge.platform.jobs.control.JobStore;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Gmail extension's backend against the fake Gmail: logging with a chosen attachment through
 * Google's API client, the "Logged to CRM" label, participants from headers only, refusals, and the
 * four compose actions (shortcut, availability, tracking, send later) with the rep's token.
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
  @Inject JobStore jobs;
  @Inject JobRunner runner;

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
                .build(),
            null)
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

  private static final Pattern CLICK = Pattern.compile("href=\"[^\"]*(/t/c/[^\"]+)\"");
  private static final Pattern PIXEL = Pattern.compile("src=\"[^\"]*(/t/o/[^\"]+)\"");
  private static final String OLGA = "olga.berg@fabrikam.example";

  /**
   * What the extension does in Gmail's compose window, each through the API with the rep's token: a
   * shortcut filled from Nora's contact, the rep's free times from the Google calendar with the
   * booking link, the HTML made trackable for the external recipients, and the message sent later
   * through Gmail once, logged to Nora with its tracking.
   */
  @Test
  void theFourComposeActionsWorkForAGmailMailboxWithTheRepsToken() throws Exception {
    Setup s = setup();
    String rep = s.org().repToken();
    String nora = "nora.field@fabrikam.example";

    // 1. A text shortcut with merge fields from Nora's contact; she has no phone: the default.
    ApiClient.Reply shortcut =
        api()
            .post(
                "/api/shortcuts",
                rep,
                Json.createObjectBuilder()
                    .add("name", "Follow-up")
                    .add(
                        "text",
                        "Hi {{contact.firstName|there}} & team,\n"
                            + "I will call you on {{contact.phone|the number you gave}}.")
                    .build()
                    .toString());
    assertEquals(201, shortcut.status(), shortcut.body());
    ApiClient.Reply rendered =
        api()
            .post(
                "/api/shortcuts/" + shortcut.json().getString("id") + "/render",
                rep,
                Json.createObjectBuilder().add("recordId", s.contactId()).build().toString());
    assertEquals(200, rendered.status(), rendered.body());
    assertEquals(
        "Hi Nora & team,\nI will call you on the number you gave.",
        rendered.json().getString("text"));
    assertEquals(
        "Hi Nora &amp; team,<br>\nI will call you on the number you gave.",
        rendered.json().getString("html"));

    // 2. Free times from the Gmail mailbox's calendar: 10:00-11:00 UTC is busy on a working day.
    Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(2));
    while (DayOfWeek.from(day.atZone(ZoneOffset.UTC)).getValue() > 5) {
      day = day.plus(Duration.ofDays(1));
    }
    fake()
        .addBusy(
            s.account(),
            "Board meeting",
            day.plus(Duration.ofHours(10)),
            day.plus(Duration.ofHours(11)));
    int calendarCalls = fake().calendarCallsOf(s.account()).size();
    ApiClient.Reply offered =
        api()
            .post(
                "/api/availability",
                rep,
                Json.createObjectBuilder()
                    .add("mailboxId", s.mailboxId())
                    .add("durationMinutes", 60)
                    .add("days", 7)
                    .add("timeZone", "UTC")
                    .build()
                    .toString());
    assertEquals(201, offered.status(), offered.body());
    List<String> starts =
        offered.json().getJsonArray("slots").getValuesAs(JsonObject.class).stream()
            .map(slot -> slot.getString("start"))
            .toList();
    assertTrue(starts.contains(day.plus(Duration.ofHours(9)).toString()), starts.toString());
    assertFalse(starts.contains(day.plus(Duration.ofHours(10)).toString()), "busy time offered");
    assertTrue(starts.contains(day.plus(Duration.ofHours(11)).toString()), starts.toString());
    assertFalse(offered.body().contains("Board meeting"), "the calendar's subjects stay private");
    List<String> calls = fake().calendarCallsOf(s.account());
    assertEquals(
        List.of(s.account().toLowerCase(java.util.Locale.ROOT) + " freeBusy"),
        calls.subList(calendarCalls, calls.size()),
        "read from Google's freeBusy once");
    String bookingUrl = offered.json().getString("bookingUrl");
    assertTrue(bookingUrl.startsWith("http://mailbridge.it.example/book/b."), bookingUrl);

    // 3. Tracking, once the admin switched it on, for the external recipients (To and Bcc).
    String html =
        "<html><body><p>"
            + rendered.json().getString("html")
            + "</p><p>I am free "
            + starts.get(0)
            + ". <a href=\""
            + bookingUrl
            + "\">Pick a time</a></p></body></html>";
    String prepare =
        Json.createObjectBuilder()
            .add("html", html)
            .add("recipients", Json.createArrayBuilder().add(nora).add(OLGA))
            .add("recordIds", Json.createArrayBuilder().add(s.contactId()))
            .build()
            .toString();
    ApiClient.Reply off = api().post("/api/tracking/prepare", rep, prepare);
    assertEquals(200, off.status(), off.body());
    assertFalse(off.json().getBoolean("tracked"), "off until the admin switches it on");
    ApiClient.Reply switched =
        api()
            .put(
                "/api/admin/productivity/settings",
                s.org().adminToken(),
                "{\"trackingEnabled\":true,\"internalDomains\":[\"customer.example\"]}");
    assertEquals(200, switched.status(), switched.body());
    ApiClient.Reply prepared = api().post("/api/tracking/prepare", rep, prepare);
    assertEquals(200, prepared.status(), prepared.body());
    assertTrue(prepared.json().getBoolean("tracked"), prepared.body());
    assertEquals(1, prepared.json().getInt("links"), prepared.body());
    String trackedId = prepared.json().getString("id");
    String trackedHtml = prepared.json().getString("html");
    String pixel = first(PIXEL, trackedHtml);
    String click = first(CLICK, trackedHtml);
    assertFalse(trackedHtml.contains(bookingUrl), "the booking link is rewritten");
    assertTrue(trackedHtml.contains("Hi Nora &amp; team,"), "the rest stays as written");
    HttpResponse<String> redirect =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(base() + click)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(302, redirect.statusCode(), redirect.body());
    assertEquals(bookingUrl, redirect.headers().firstValue("Location").orElse(null));

    // 4. Sent later through Gmail: due now, with a Bcc, logged to Nora.
    String subject = "Times to meet " + UUID.randomUUID();
    ApiClient.Reply scheduled =
        api()
            .post(
                "/api/scheduled-sends",
                rep,
                Json.createObjectBuilder()
                    .add("mailboxId", s.mailboxId())
                    .add("sendAt", Instant.now().toString())
                    .add(
                        "message",
                        Json.createObjectBuilder()
                            .add("to", Json.createArrayBuilder().add(nora))
                            .add("bcc", Json.createArrayBuilder().add(OLGA))
                            .add("subject", subject)
                            .add("text", rendered.json().getString("text"))
                            .add("html", trackedHtml))
                    .add("recordIds", Json.createArrayBuilder().add(s.contactId()))
                    .build()
                    .toString());
    assertEquals(201, scheduled.status(), scheduled.body());
    String sendId = scheduled.json().getString("id");
    String messageId = scheduled.json().getString("messageId");
    assertEquals("SCHEDULED", scheduled.json().getString("state"));
    assertEquals(s.mailboxId(), scheduled.json().getString("mailboxId"));

    drain();
    JsonObject sent = api().get("/api/scheduled-sends/" + sendId, rep).json();
    assertEquals("SENT", sent.getString("state"), sent.toString());
    assertFalse(sent.isNull("activityId"), sent.toString());
    String activityId = sent.getString("activityId");
    assertEquals(List.of(messageId), fake().gmailSent.get(s.account()), "sent through Gmail");

    // What Gmail was handed: Nora in To, Olga in Bcc (Gmail takes blind recipients from there),
    // and the tracked HTML.
    byte[] rawSent =
        fake().gmail.get(s.account()).values().stream()
            .filter(m -> messageId.equals(FakeProviders.messageIdOf(m.raw())))
            .findFirst()
            .orElseThrow()
            .raw();
    MailMessage atGmail = MimeMail.read("gmail", "sent", rawSent, true);
    assertEquals(List.of(nora), atGmail.to().stream().map(MailAddress::email).toList());
    assertEquals(List.of(OLGA), atGmail.bcc().stream().map(MailAddress::email).toList());
    assertEquals(subject, atGmail.subject());
    assertNotNull(atGmail.htmlBody());
    assertTrue(atGmail.htmlBody().contains(pixel), "the open pixel went out");
    assertTrue(atGmail.htmlBody().contains(click), "the tracked link went out");

    // Logged once to Nora's timeline, its activity carrying the email's tracking.
    ApiClient.Reply timeline =
        api().get("/api/records/contacts/" + s.contactId() + "/timeline?limit=200", rep);
    assertEquals(200, timeline.status(), timeline.body());
    List<JsonObject> logged =
        timeline.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
            .filter(item -> subject.equals(item.getString("subject", null)))
            .toList();
    assertEquals(1, logged.size(), timeline.body());
    assertEquals(activityId, logged.get(0).getString("id"));
    ApiClient.Reply activity = api().get("/api/activities/" + activityId, rep);
    assertEquals(200, activity.status(), activity.body());
    assertFalse(activity.json().isNull("tracking"), activity.body());
    JsonObject tracking = activity.json().getJsonObject("tracking");
    assertEquals(trackedId, tracking.getString("id"), tracking.toString());
    assertEquals(bookingUrl, tracking.getJsonArray("links").getJsonObject(0).getString("url"));
    assertEquals(
        OLGA, activity.json().getJsonArray("bcc").getJsonObject(0).getString("email"), "bcc kept");

    // Nothing is left to do: another pass sends nothing more.
    drain();
    assertEquals(List.of(messageId), fake().gmailSent.get(s.account()), "sent once");
  }

  /** Runs the due jobs in this thread, as one node's pump would (the suite's timer pump is off). */
  private void drain() {
    List<ClaimedJob> claimed;
    while (!(claimed = jobs.claim("it-gmail-extension", 1, Duration.ofMinutes(5))).isEmpty()) {
      runner.run(claimed.get(0));
    }
  }

  private static String first(Pattern pattern, String html) {
    Matcher m = pattern.matcher(html);
    assertTrue(m.find(), "no " + pattern + " in " + html);
    return m.group(1);
  }
}
