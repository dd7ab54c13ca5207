package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.StoredActivity;
import io.mailbridge.it.ApiClient.Reply;
import io.mailbridge.it.support.RawDatabase;
import io.mailbridge.it.support.TestMessages;
import io.mailbridge.message.CalendarEvent;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import io.mailbridge.platform.problem.AttachmentTooLarge;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.security.entity.AppUser;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The email storage path, activities, attachments and timelines. */
@ExtendWith(ArquillianExtension.class)
class ActivitiesIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject ActivityStore store;
  @Inject RawDatabase raw;

  private ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + request.getLocalPort());
  }

  /** An org with a rep signed in and two contacts. */
  private record Org(AppUser rep, String token, String contactA, String contactB) {}

  private Org org(String label) {
    TestOrgs.SignedInOrg org = testOrgs.signedIn(label, api());
    return new Org(
        org.rep(),
        org.repToken(),
        testOrgs.contact(org.orgId(), null, "Alice " + label, null),
        testOrgs.contact(org.orgId(), null, "Bob " + label, null));
  }

  @Test
  void storingTheSameMessageAgainAddsLinksToTheOneActivity() {
    Org org = org("Idempotent");
    MailMessage message =
        TestMessages.email("Quarterly numbers", Instant.parse("2026-10-01T09:00:00Z"));
    StoredActivity first =
        store.storeEmail(org.rep().orgId(), message, List.of(org.contactA()), org.rep().id());
    assertTrue(first.created());
    // The same message again, as another provider item (e.g. the copy in the recipient's box).
    MailMessage copy =
        new MailMessage(
            "graph",
            "other-item",
            message.internetMessageId(),
            null,
            message.subject(),
            message.from(),
            message.to(),
            message.cc(),
            List.of(),
            false,
            message.sentAt(),
            message.receivedAt(),
            message.textBody(),
            message.htmlBody(),
            message.size(),
            List.of());
    StoredActivity second =
        store.storeEmail(
            org.rep().orgId(), copy, List.of(org.contactB(), org.contactA()), org.rep().id());
    assertEquals(first.id(), second.id());
    assertFalse(second.created());

    JsonObject activity = api().get("/api/activities/" + first.id(), org.token()).json();
    assertEquals(Set.of(org.contactA(), org.contactB()), linkIds(activity));
    assertEquals("Quarterly numbers", activity.getString("subject"));
    assertEquals("EMAIL", activity.getString("type"));
    assertEquals("sender@customer.example", activity.getJsonObject("from").getString("email"));
    assertEquals(
        0, activity.getJsonArray("bcc").size(), "bcc is kept only when the owner sent the mail");
    assertEquals(org.rep().id(), activity.getString("loggedBy"), "who logged it first");

    MailMessage noMessageId =
        new MailMessage(
            "ews",
            "AAMkItem1",
            null,
            null,
            "No id",
            MailAddress.of("x@y.example"),
            List.of(),
            List.of(),
            List.of(),
            false,
            Instant.now(),
            null,
            "t",
            null,
            1,
            List.of());
    String byItem =
        store.storeEmail(org.rep().orgId(), noMessageId, List.of(org.contactA()), null).id();
    assertEquals(
        byItem,
        store.storeEmail(org.rep().orgId(), noMessageId, List.of(), null).id(),
        "provider item id identifies it");
  }

  @Test
  void twoThreadsStoringTheSameMessageMakeOneActivityWithBothLinks() throws Exception {
    Org org = org("Race");
    for (int round = 0; round < 5; round++) {
      MailMessage message =
          TestMessages.email(
              "Race " + round,
              Instant.now(),
              TestMessages.attachment("same.txt", "text/plain", "shared attachment " + round));
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      Callable<StoredActivity> a =
          () -> {
            start.await();
            return store.storeEmail(org.rep().orgId(), message, List.of(org.contactA()), null);
          };
      Callable<StoredActivity> b =
          () -> {
            start.await();
            return store.storeEmail(org.rep().orgId(), message, List.of(org.contactB()), null);
          };
      Future<StoredActivity> fa = threads.submit(a);
      Future<StoredActivity> fb = threads.submit(b);
      start.countDown();
      StoredActivity ra = fa.get();
      StoredActivity rb = fb.get();
      threads.shutdown();
      assertEquals(ra.id(), rb.id(), "round " + round);
      assertTrue(ra.created() ^ rb.created(), "exactly one of them created it");
      assertEquals(
          Set.of(org.contactA(), org.contactB()),
          linkIds(api().get("/api/activities/" + ra.id(), org.token()).json()));
    }
  }

  @Test
  void attachmentsAreStoredOnceAndStreamedBackAsDownloads() throws Exception {
    Org org = org("Attachments");
    byte[] pdf = ("%PDF-1.4 fake " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    MailMessage first =
        TestMessages.email(
            "Contract",
            Instant.now(),
            TestMessages.attachment("Vertrag Müller.pdf", "application/pdf; name=x", pdf),
            TestMessages.attachment("notes.txt", "text/plain", "notes"));
    MailMessage second =
        TestMessages.email(
            "Contract again",
            Instant.now(),
            TestMessages.attachment("copy.pdf", "application/pdf", pdf));
    String id1 = store.storeEmail(org.rep().orgId(), first, List.of(org.contactA()), null).id();
    String id2 = store.storeEmail(org.rep().orgId(), second, List.of(org.contactA()), null).id();

    JsonObject activity = api().get("/api/activities/" + id1, org.token()).json();
    JsonObject described = activity.getJsonArray("attachments").getJsonObject(0);
    assertEquals(1, described.getInt("n"));
    assertEquals("Vertrag Müller.pdf", described.getString("name"));
    assertEquals("application/pdf", described.getString("contentType"));
    assertEquals(pdf.length, described.getInt("size"));
    assertEquals(64, described.getString("sha256").length());

    HttpResponse<byte[]> download =
        api().getBytes("/api/activities/" + id1 + "/attachments/1", org.token());
    assertEquals(200, download.statusCode());
    assertArrayEquals(pdf, download.body());
    assertEquals("application/pdf", download.headers().firstValue("Content-Type").orElse(""));
    String disposition = download.headers().firstValue("Content-Disposition").orElse("");
    assertTrue(disposition.startsWith("attachment;"), disposition);
    assertTrue(disposition.contains("filename*=UTF-8''Vertrag%20M%C3%BCller.pdf"), disposition);
    assertEquals("nosniff", download.headers().firstValue("X-Content-Type-Options").orElse(""));
    assertArrayEquals(
        pdf, api().getBytes("/api/activities/" + id2 + "/attachments/1", org.token()).body());
    assertEquals(
        404, api().getBytes("/api/activities/" + id1 + "/attachments/3", org.token()).statusCode());

    List<String> blobs =
        raw.strings("SELECT id FROM attachment_blob WHERE org_id = ?", org.rep().orgId());
    assertEquals(2, blobs.size(), "the same PDF in two messages is stored once");
  }

  @Test
  void anAttachmentOverTheLimitIsRefusedWith413AndNothingIsStored() {
    Org org = org("Too large");
    long limit = Long.parseLong(System.getenv("MAILBRIDGE_ATTACHMENTS_MAX_BYTES"));
    // Declares a small size but delivers more: the limit holds on what is read.
    MailAttachment liar =
        new MailAttachment(
            "big.bin",
            "application/octet-stream",
            10,
            () ->
                new InputStream() {
                  long left = limit + 10;

                  @Override
                  public int read() {
                    return left-- > 0 ? 7 : -1;
                  }
                });
    MailMessage message = TestMessages.email("Huge", Instant.now(), liar);
    AttachmentTooLarge refused =
        assertThrows(
            AttachmentTooLarge.class,
            () -> store.storeEmail(org.rep().orgId(), message, List.of(org.contactA()), null));
    assertEquals(413, ErrorAnswer.status(refused));
    assertEquals("attachment_too_large", refused.code());
    assertEquals(
        0,
        api()
            .get("/api/records/contacts/" + org.contactA() + "/timeline", org.token())
            .json()
            .getJsonArray("items")
            .size());
  }

  @Test
  void myActivityListsWhatTheCallerLoggedNewestFirstInPages() {
    Org org = org("Mine");
    TestOrgs.SignedInOrg other = testOrgs.signedIn("Mine elsewhere", api());
    Instant base = Instant.parse("2026-07-01T12:00:00Z");
    for (int i = 0; i < 3; i++) {
      store.storeEmail(
          org.rep().orgId(),
          TestMessages.email("Mine " + i, base.plusSeconds(60L * i)),
          List.of(org.contactA()),
          org.rep().id());
    }
    // Captured by the server, and logged by someone else: not "mine".
    store.storeEmail(
        org.rep().orgId(), TestMessages.email("Captured", base), List.of(org.contactA()), null);
    AppUser colleague = testOrgs.user(org.rep().orgId(), "USER", "colleague");
    store.storeEmail(
        org.rep().orgId(),
        TestMessages.email("Colleague's", base),
        List.of(org.contactB()),
        colleague.id());

    List<String> subjects = new java.util.ArrayList<>();
    String cursor = null;
    do {
      Reply page =
          api()
              .get(
                  "/api/activities?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                  org.token());
      assertEquals(200, page.status(), page.body());
      for (JsonObject a : page.json().getJsonArray("items").getValuesAs(JsonObject.class)) {
        subjects.add(a.getString("subject"));
        assertEquals(org.rep().id(), a.getString("loggedBy"));
        assertEquals("contacts", a.getJsonArray("links").getJsonObject(0).getString("type"));
      }
      cursor = page.json().isNull("next") ? null : page.json().getString("next");
    } while (cursor != null);
    assertEquals(List.of("Mine 2", "Mine 1", "Mine 0"), subjects);
    assertEquals(
        0,
        api().get("/api/activities", other.repToken()).json().getJsonArray("items").size(),
        "another org's person logged nothing");
    assertEquals(400, api().get("/api/activities?cursor=@@@", org.token()).status());
    assertEquals(400, api().get("/api/activities?limit=0", org.token()).status());
  }

  @Test
  void aTimelineListsNewestFirstInPages() {
    Org org = org("Timeline");
    Instant base = Instant.parse("2026-06-01T12:00:00Z");
    for (int i = 0; i < 5; i++) {
      store.storeEmail(
          org.rep().orgId(),
          TestMessages.email("Mail " + i, base.plusSeconds(3600L * i)),
          List.of(org.contactA()),
          null);
    }
    store.storeEmail(
        org.rep().orgId(),
        TestMessages.email("Other contact's", base),
        List.of(org.contactB()),
        null);
    List<String> subjects = new java.util.ArrayList<>();
    String cursor = null;
    do {
      Reply page =
          api()
              .get(
                  "/api/records/contacts/"
                      + org.contactA()
                      + "/timeline?limit=2"
                      + (cursor == null ? "" : "&cursor=" + cursor),
                  org.token());
      assertEquals(200, page.status(), page.body());
      page.json()
          .getJsonArray("items")
          .getValuesAs(JsonObject.class)
          .forEach(a -> subjects.add(a.getString("subject")));
      cursor = page.json().isNull("next") ? null : page.json().getString("next");
    } while (cursor != null);
    assertEquals(List.of("Mail 4", "Mail 3", "Mail 2", "Mail 1", "Mail 0"), subjects);
    Reply badCursor =
        api().get("/api/records/contacts/" + org.contactA() + "/timeline?cursor=@@@", org.token());
    assertEquals(400, badCursor.status());
  }

  @Test
  void mailHtmlIsMadeInertBeforeItIsStored() {
    Org org = org("Sanitizer");
    String html =
        "<p onclick=\"steal()\">Hello <b>there</b></p><script>alert(1)</script>"
            + "<img src=\"https://tracker.example/pixel.gif\" onerror=\"alert(2)\">"
            + "<img src=\"cid:logo@x\" alt=\"logo\"><a href=\"javascript:alert(3)\">click</a>"
            + "<a href=\"https://ok.example/\">ok</a><iframe src=\"https://evil.example\"></iframe>";
    MailMessage message =
        new MailMessage(
            "test",
            "i1",
            "<" + UUID.randomUUID() + "@x>",
            null,
            "HTML",
            MailAddress.of("a@b.example"),
            List.of(),
            List.of(),
            List.of(),
            false,
            Instant.now(),
            null,
            "text",
            html,
            1,
            List.of());
    String id = store.storeEmail(org.rep().orgId(), message, List.of(org.contactA()), null).id();
    String stored = api().get("/api/activities/" + id, org.token()).json().getString("bodyHtml");
    String lower = stored.toLowerCase(Locale.ROOT);
    for (String inert :
        List.of(
            "<script",
            "onerror",
            "onclick",
            "javascript:",
            "tracker.example",
            "<iframe",
            "evil.example")) {
      assertFalse(lower.contains(inert), inert + " survived: " + stored);
    }
    assertTrue(stored.contains("<b>there</b>"), stored);
    assertTrue(stored.contains("src=\"cid:logo"), "inline images stay: " + stored);
    assertTrue(stored.contains("https://ok.example/"), stored);
  }

  @Test
  void noSubjectAddressBodyOrAttachmentByteIsStoredInPlainText() throws Exception {
    Org org = org("Raw");
    String marker = "rawcanary" + UUID.randomUUID().toString().replace("-", "");
    MailMessage message =
        new MailMessage(
            "test",
            "item-" + marker,
            "<" + marker + "@mid.example>",
            "thread-" + marker,
            "Subject " + marker,
            new MailAddress(marker + "@from.example", "From " + marker),
            List.of(MailAddress.of(marker + "@to.example")),
            List.of(MailAddress.of(marker + "@cc.example")),
            List.of(),
            false,
            Instant.now(),
            null,
            "Text " + marker,
            "<p>Html " + marker + "</p>",
            10,
            List.of(TestMessages.attachment(marker + ".txt", "text/plain", "Bytes " + marker)));
    store.storeEmail(org.rep().orgId(), message, List.of(org.contactA()), null);
    byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
    for (String table : raw.tables()) {
      for (byte[] value : raw.allValues(table)) {
        if (new String(value, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT).contains(marker)) {
          fail("plaintext found in " + table);
        }
        assertFalse(RawDatabase.containsBytes(value, needle), table);
      }
    }
  }

  @Test
  void anotherOrgsActivitiesAttachmentsAndRecordsAreNotFound() {
    Org a = org("Activity A");
    Org b = org("Activity B");
    String id =
        store
            .storeEmail(
                a.rep().orgId(),
                TestMessages.email(
                    "Private",
                    Instant.now(),
                    TestMessages.attachment("p.txt", "text/plain", "private")),
                List.of(a.contactA()),
                null)
            .id();
    assertEquals(404, api().get("/api/activities/" + id, b.token()).status());
    assertEquals(
        404, api().getBytes("/api/activities/" + id + "/attachments/1", b.token()).statusCode());
    assertEquals(
        404, api().get("/api/records/contacts/" + a.contactA() + "/timeline", b.token()).status());
    NotFound foreignRecord =
        assertThrows(
            NotFound.class,
            () ->
                store.storeEmail(
                    b.rep().orgId(),
                    TestMessages.email("Sneaky", Instant.now()),
                    List.of(a.contactA()),
                    null));
    assertEquals(404, ErrorAnswer.status(foreignRecord));
    // The same Message-ID in another org is that org's own activity.
    MailMessage shared = TestMessages.email("Shared thread", Instant.now());
    assertNotEquals(
        store.storeEmail(a.rep().orgId(), shared, List.of(a.contactA()), null).id(),
        store.storeEmail(b.rep().orgId(), shared, List.of(b.contactA()), null).id());
  }

  @Test
  void eventsAreStoredOncePerMeetingAndFollowTheirChangesAndTasksLandOnTimelines() {
    Org org = org("Events");
    String uid = "uid-" + UUID.randomUUID();
    CalendarEvent planned =
        event(uid, "graph", "evt-1", Instant.parse("2026-12-01T10:00:00Z"), "Kick-off");
    StoredActivity first =
        store.storeEvent(org.rep().orgId(), planned, List.of(org.contactA()), null);
    // The same meeting from another attendee's calendar, moved an hour later.
    CalendarEvent moved =
        event(uid, "ews", "AAMkOther", Instant.parse("2026-12-01T11:00:00Z"), "Kick-off (moved)");
    StoredActivity second =
        store.storeEvent(org.rep().orgId(), moved, List.of(org.contactB()), null);
    assertEquals(first.id(), second.id());
    JsonObject event = api().get("/api/activities/" + first.id(), org.token()).json();
    assertEquals("EVENT", event.getString("type"));
    assertEquals("Kick-off (moved)", event.getString("subject"));
    assertEquals("2026-12-01T11:00:00Z", event.getString("start"));
    assertEquals("Room 1", event.getString("location"));
    assertEquals("organizer@customer.example", event.getJsonObject("organizer").getString("email"));
    assertEquals(
        "ACCEPTED", event.getJsonArray("attendees").getJsonObject(0).getString("response"));
    assertEquals(Set.of(org.contactA(), org.contactB()), linkIds(event));

    StoredActivity task =
        store.createTask(
            org.rep().orgId(),
            "Send the quote",
            java.time.LocalDate.parse("2026-12-24"),
            null,
            List.of(org.contactA()),
            org.rep().id());
    JsonObject taskView = api().get("/api/activities/" + task.id(), org.token()).json();
    assertEquals("TASK", taskView.getString("type"));
    assertEquals("2026-12-24", taskView.getString("dueDate"));
    assertEquals("OPEN", taskView.getString("status"));
    List<String> timeline =
        api()
            .get("/api/records/contacts/" + org.contactA() + "/timeline", org.token())
            .json()
            .getJsonArray("items")
            .getValuesAs(JsonObject.class)
            .stream()
            .map(a -> a.getString("type"))
            .toList();
    assertEquals(
        List.of("TASK", "EVENT"), timeline, "newest first: the task is due after the meeting");
  }

  private static CalendarEvent event(
      String uid, String provider, String providerId, Instant start, String title) {
    return new CalendarEvent(
        provider,
        providerId,
        uid,
        title,
        start,
        start.plusSeconds(3600),
        "Europe/Berlin",
        "Room 1",
        MailAddress.of("organizer@customer.example"),
        List.of(
            new CalendarEvent.Attendee(
                MailAddress.of("rep@it.example"), CalendarEvent.Response.ACCEPTED)),
        "https://meet.example/abc");
  }

  private static Set<String> linkIds(JsonObject activity) {
    return activity.getJsonArray("links").getValuesAs(JsonObject.class).stream()
        .map(l -> l.getString("id"))
        .collect(Collectors.toSet());
  }
}
