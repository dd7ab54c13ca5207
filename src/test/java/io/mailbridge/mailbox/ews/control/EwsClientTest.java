package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.exchange.FakeExchange.FakeAttachment;
import io.mailbridge.it.exchange.FakeExchange.FakeItem;
import io.mailbridge.it.exchange.TestMime;
import io.mailbridge.mailbox.control.ProviderAnswerTooLarge;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ReadMessage;
import io.mailbridge.mailbox.control.SendRefused;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * The EWS client through the generated stubs and Mailbridge's transport, against the fake Exchange
 * on loopback: request shapes, error handling, limits and the mapping into the normalized model.
 */
class EwsClientTest {

  // The ids in src/test/resources/ews/getitem-request.xml and getattachment-request.xml.
  static final String ITEM_ID =
      "AAMkAJnTOt2HxJA3+UAFuj9zv3TcE0NES02daUsSPNOX9LEymrvekW+TOgcyN1lzBH9jA6DGk0RqRNfAPkC1hiXdiXBWAr83+WA=";

  private FakeExchange exchange;
  private EwsClient ews;
  private ExchangeMailbox mailbox;
  private EwsCall call;
  private String attachmentId;

  @BeforeEach
  void start() {
    exchange = FakeExchange.start();
    ews = ExchangeLoopback.client();
    mailbox = new ExchangeMailbox();
    mailbox.ews = ews;
    call =
        new EwsCall(
            URI.create(exchange.ewsUrl()),
            "callback-token-1",
            host -> Optional.of(new HostRule(true, true)));
    attachmentId = requestAttachmentId();
    exchange.items.put(
        ITEM_ID,
        new FakeItem(
            ITEM_ID,
            "Site visit notes",
            TestMime.message(
                "visit-1@fabrikam.example",
                "Site visit notes",
                "Nora Field <nora.field@fabrikam.example>",
                "Sam Ortiz <sam.ortiz@mailbridge.example>, ops@fabrikam.example",
                "Notes from the visit",
                0),
            List.of(
                FakeAttachment.file(
                    attachmentId,
                    "notes.csv",
                    "text/csv",
                    "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8)),
                new FakeAttachment(
                    "attached-mail-1",
                    "Fwd: Floor plan",
                    null,
                    TestMime.message(
                        "fwd@x.example", "Floor plan", "a@x.example", "b@x.example", "plan", 0),
                    true,
                    900)),
            Map.of(ExchangeMailbox.LOGGED_PROPERTY_NAME, "activity-77")));
  }

  @AfterEach
  void stop() {
    exchange.close();
  }

  @Test
  void getItemSendsTheShapeOfTheFixtureWithTheCallbackToken() throws Exception {
    mailbox.read(call, ITEM_ID);
    FakeExchange.Received sent = exchange.ewsRequests.get(0);
    assertEquals(shape(FakeExchange.fixture("getitem-request.xml")), shape(sent.body()));
    assertEquals("Bearer callback-token-1", sent.authorization());
    assertTrue(sent.soapAction().contains("/2006/messages/GetItem"), sent.soapAction());
  }

  @Test
  void getAttachmentSendsTheShapeOfTheFixture() throws Exception {
    mailbox.download(call, List.of(attachmentId));
    assertEquals(
        shape(FakeExchange.fixture("getattachment-request.xml")),
        shape(exchange.ewsRequests.get(0).body()));
  }

  @Test
  void mapsTheItemIntoTheNormalizedMessage() throws Exception {
    ReadMessage item = mailbox.read(call, ITEM_ID);
    assertEquals("Site visit notes", item.message().subject());
    assertEquals("nora.field@fabrikam.example", item.message().from().email());
    assertEquals(2, item.message().to().size());
    assertEquals("<visit-1@fabrikam.example>", item.message().internetMessageId());
    assertTrue(item.message().textBody().contains("Notes from the visit"));
    assertTrue(item.message().htmlBody().contains("<p>Notes from the visit</p>"));
    assertEquals("activity-77", item.loggedActivityId());
    assertEquals(
        List.of(attachmentId, "attached-mail-1"), new ArrayList<>(item.attachments().keySet()));
    assertEquals("Fwd: Floor plan.eml", item.attachments().get("attached-mail-1").name());
    assertTrue(item.message().attachments().isEmpty(), "nothing is downloaded before it is chosen");

    List<MailAttachment> downloaded =
        mailbox.download(call, List.of(attachmentId, "attached-mail-1"));
    assertArrayEquals(
        "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8),
        downloaded.get(0).content().open().readAllBytes());
    assertEquals("message/rfc822", downloaded.get(1).contentType());
    assertTrue(
        new String(downloaded.get(1).content().open().readAllBytes(), StandardCharsets.UTF_8)
            .contains("Subject: Floor plan"));
  }

  @Test
  void serverBusyFaultIsRetriedAfterTheBackOff() {
    exchange.answerNextWith(500, FakeExchange.fixture("serverbusy-fault.xml"));
    assertEquals("Site visit notes", mailbox.read(call, ITEM_ID).message().subject());
    assertEquals(2, exchange.ewsRequests.size());
  }

  @Test
  void serverBusyInsideTheResponseIsRetriedToo() {
    exchange.answerNextWith(200, FakeExchange.fixture("getitem-serverbusy-in-response.xml"));
    exchange.answerNextWith(200, FakeExchange.fixture("getitem-serverbusy-in-response.xml"));
    assertEquals("Site visit notes", mailbox.read(call, ITEM_ID).message().subject());
    assertEquals(3, exchange.ewsRequests.size());
  }

  @Test
  void serverStillBusyAfterTheLastAttemptIs503WithRetryAfter() {
    for (int i = 0; i < 3; i++) {
      exchange.answerNextWith(500, FakeExchange.fixture("serverbusy-fault.xml"));
    }
    ProviderBusy problem = assertThrows(ProviderBusy.class, () -> mailbox.read(call, ITEM_ID));
    assertEquals(503, ErrorAnswer.status(problem));
    assertEquals("exchange_busy", problem.code());
    assertEquals(Duration.ofMillis(50), problem.retryAfter());
  }

  @Test
  void itemNotFoundIs404() {
    NotFound problem = assertThrows(NotFound.class, () -> mailbox.read(call, "no-such-item"));
    assertEquals(404, ErrorAnswer.status(problem));
    exchange.answerNextWith(200, FakeExchange.fixture("getitem-itemnotfound.xml"));
    assertEquals(
        404, ErrorAnswer.status(assertThrows(NotFound.class, () -> mailbox.read(call, ITEM_ID))));
  }

  @Test
  void aDtdInTheAnswerIsRefusedAndItsEntityNeverFetched() {
    String hostile =
        FakeExchange.fixture("getitem-xxe.xml")
            .replace("http://127.0.0.1:9/xxe", exchange.base() + "/xxe");
    exchange.answerNextWith(200, hostile);
    ProviderRefused problem =
        assertThrows(ProviderRefused.class, () -> mailbox.read(call, ITEM_ID));
    assertEquals(502, ErrorAnswer.status(problem));
    assertTrue(problem.getMessage().contains("DTD"), problem.getMessage());
    assertEquals(0, exchange.otherHits.get(), "the external entity was fetched");
  }

  @Test
  void anAnswerLargerThanTheCapIs413() {
    ews.maxResponseBytes = 2_000;
    exchange.items.put(
        "big",
        new FakeItem(
            "big",
            "Big",
            TestMime.message("big@x.example", "Big", "a@x.example", "b@x.example", "big", 5_000),
            List.of(),
            Map.of()));
    ProviderAnswerTooLarge problem =
        assertThrows(ProviderAnswerTooLarge.class, () -> mailbox.read(call, "big"));
    assertEquals(413, ErrorAnswer.status(problem));
  }

  @Test
  void aRefusedTokenIsAClear502() {
    exchange.answerNextWith(401, "<html>Unauthorized</html>");
    ProviderRefused problem =
        assertThrows(ProviderRefused.class, () -> mailbox.read(call, ITEM_ID));
    assertEquals(502, ErrorAnswer.status(problem));
    assertEquals("exchange_unauthorized", problem.code());
  }

  @Test
  void aHostOutsideThePolicyIsNeverCalled() {
    EwsCall refused = new EwsCall(URI.create(exchange.ewsUrl()), "t", host -> Optional.empty());
    ProviderRefused problem =
        assertThrows(ProviderRefused.class, () -> mailbox.read(refused, ITEM_ID));
    assertEquals(502, ErrorAnswer.status(problem));
    assertEquals(0, exchange.ewsRequests.size());
  }

  @Test
  void onlyDtdsBeforeTheRootElementCount() {
    assertTrue(
        OutboundTransportTube.declaresDocumentType(
            bytes("<?xml version=\"1.0\"?><!DOCTYPE x><x/>")));
    assertTrue(
        OutboundTransportTube.declaresDocumentType(
            bytes("<!-- c --><!DOCTYPE x [<!ENTITY a 'b'>]><x/>")));
    assertTrue(
        OutboundTransportTube.declaresDocumentType(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '<'}));
    assertTrue(
        !OutboundTransportTube.declaresDocumentType(
            bytes("<?xml version=\"1.0\"?>\n<!-- c -->\n<s:Envelope/>")));
    assertTrue(!OutboundTransportTube.declaresDocumentType(bytes("<x><![CDATA[<!DOCTYPE]]></x>")));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String requestAttachmentId() {
    String fixture = FakeExchange.fixture("getattachment-request.xml");
    int at = fixture.indexOf("AttachmentId Id=\"") + "AttachmentId Id=\"".length();
    return fixture.substring(at, fixture.indexOf('"', at));
  }

  /** Element names (with namespaces), attributes and text, in document order; no prefixes. */
  private static final String ALICE = "alice@contoso.example";

  // The MIME inside createitem-send-request.xml.
  private static final byte[] LATER =
      ("MIME-Version: 1.0\r\nFrom: alice@contoso.example\r\nTo: nora.field@fabrikam.example\r\n"
              + "Subject: Proposal\r\nMessage-ID: <later-1@contoso.example>\r\n"
              + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello Nora\r\n")
          .getBytes(StandardCharsets.UTF_8);

  private EwsCall asAlice() {
    return new EwsCall(
        URI.create(exchange.ewsUrl()),
        "Basic c3ZjOnNlY3JldA==",
        host -> Optional.of(new HostRule(true, true)),
        null,
        ALICE);
  }

  @Test
  void createItemSendsTheShapeOfTheFixtureAsTheImpersonatedUser() throws Exception {
    exchange.impersonable.add(ALICE);
    ews.sendAndSaveCopy(asAlice(), LATER);
    FakeExchange.Received sent = exchange.ewsRequests.get(0);
    assertEquals(shape(FakeExchange.fixture("createitem-send-request.xml")), shape(sent.body()));
    assertEquals(ALICE, sent.anchorMailbox());
    assertEquals("Basic c3ZjOnNlY3JldA==", sent.authorization());
    assertTrue(sent.soapAction().contains("/2006/messages/CreateItem"), sent.soapAction());
    assertEquals(List.of("<later-1@contoso.example>"), exchange.sentMessageIds(ALICE));
  }

  @Test
  void findItemSendsTheShapeOfTheFixtureAndFindsTheMessageOnlyOnceSent() throws Exception {
    exchange.impersonable.add(ALICE);
    assertFalse(ews.sentItemWith(asAlice(), "<later-1@contoso.example>"));
    assertEquals(
        shape(FakeExchange.fixture("finditem-sentitems-request.xml")),
        shape(exchange.ewsRequests.get(0).body()));
    ews.sendAndSaveCopy(asAlice(), LATER);
    assertTrue(ews.sentItemWith(asAlice(), "<later-1@contoso.example>"));
    assertFalse(ews.sentItemWith(asAlice(), "<later-2@contoso.example>"));
  }

  private static final List<io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdNameType>
      FOLLOWED =
          List.of(
              io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdNameType.INBOX,
              io.mailbridge.mailbox.ews.stubs.DistinguishedFolderIdNameType.SENTITEMS);

  @Test
  void subscribeStreamingSendsTheShapeOfTheFixtureAndKeepsTheAffinityCookie() throws Exception {
    exchange.impersonable.add(ALICE);
    EwsAffinity affinity = new EwsAffinity(null);
    EwsClient.Subscription opened = ews.subscribeStreaming(asAlice(), FOLLOWED, affinity);
    FakeExchange.Received sent = exchange.ewsRequests.get(0);
    assertEquals(
        shape(FakeExchange.fixture("subscribe-streaming-request.xml")), shape(sent.body()));
    assertEquals(ALICE, sent.anchorMailbox());
    assertEquals("true", exchange.subscribeHeaders.get(0)[0], "X-PreferServerAffinity");
    assertTrue(sent.soapAction().contains("/2006/messages/Subscribe"), sent.soapAction());
    assertEquals(FakeExchange.BACKEND_COOKIE, affinity.cookie());
    assertTrue(exchange.subscriptions.get(opened.id()).streaming());
  }

  @Test
  void subscribePushSendsTheShapeOfTheFixtureWithItsUrlAndStatusFrequency() throws Exception {
    exchange.impersonable.add(ALICE);
    String url =
        "https://mailbridge.contoso.example/ews/notifications"
            + "?token=q3Jx0b2mVt8Zr6Xy1Kp4Ld7Hs9Fw5Nc0Ae2Gu6Ti8Mo";
    EwsClient.Subscription opened =
        ews.subscribePush(asAlice(), FOLLOWED, 5, url, new EwsAffinity(null));
    FakeExchange.Received sent = exchange.ewsRequests.get(0);
    assertEquals(shape(FakeExchange.fixture("subscribe-push-request.xml")), shape(sent.body()));
    assertEquals(ALICE, sent.anchorMailbox());
    assertTrue(sent.soapAction().contains("/2006/messages/Subscribe"), sent.soapAction());
    FakeExchange.PushSubscribe push = exchange.pushSubscribes.get(0);
    assertEquals(opened.id(), push.subscriptionId());
    assertEquals(ALICE, push.impersonated());
    assertEquals(url, push.url());
    assertNotNull(opened.watermark(), "Exchange answers a push Subscribe with a watermark");
  }

  @Test
  void aPullSubscriptionIsReadWithGetEventsFromItsWatermark() throws Exception {
    exchange.impersonable.add(ALICE);
    EwsAffinity affinity = new EwsAffinity(null);
    EwsClient.Subscription opened = ews.subscribePull(asAlice(), FOLLOWED, 30, affinity);
    assertEquals(
        shape(FakeExchange.fixture("subscribe-pull-request.xml")),
        shape(exchange.ewsRequests.get(0).body()));
    String item =
        exchange.deliver(
            ALICE, "inbox", "Hello", "nora@fabrikam.example", ALICE, java.time.Instant.now(), null);

    var notification = ews.getEvents(asAlice(), opened.id(), opened.watermark(), affinity);

    assertEquals(opened.id(), notification.getSubscriptionId());
    var events = notification.getCopiedEventOrCreatedEventOrDeletedEvent();
    assertEquals("NewMailEvent", events.get(0).getName().getLocalPart());
    assertEquals(
        item,
        ((io.mailbridge.mailbox.ews.stubs.BaseObjectChangedEventType) events.get(0).getValue())
            .getItemId()
            .getId());
    assertTrue(
        exchange.ewsRequests.get(1).body().contains(opened.watermark()), "from the watermark");
    assertEquals(FakeExchange.BACKEND_COOKIE, affinity.cookie());
  }

  @Test
  void getEventsSendsTheShapeOfTheFixtureAndAnUnknownSubscriptionIsLost() throws Exception {
    exchange.impersonable.add(ALICE);
    EwsRefused lost =
        assertThrows(
            EwsRefused.class,
            () ->
                ews.getEvents(
                    asAlice(),
                    "FQBleGNoLTAxLmZhYnJpa2FtLmV4YW1wbGUQAAAA",
                    "AQAAAL7sg4NGA0xMvN+t6ySnCyQCAAAAAAAAAAE=",
                    null));
    assertTrue(lost.subscriptionLost(), lost.responseCode());
    assertEquals(
        shape(FakeExchange.fixture("getevents-request.xml")),
        shape(exchange.ewsRequests.get(0).body()));
  }

  @Test
  void aServerThatWillNotStreamSaysSo() {
    exchange.impersonable.add(ALICE);
    exchange.refuseStreaming = true;
    EwsRefused refused =
        assertThrows(
            EwsRefused.class,
            () -> ews.subscribeStreaming(asAlice(), FOLLOWED, new EwsAffinity(null)));
    assertTrue(refused.streamingRefused(), refused.responseCode());
  }

  @Test
  void getStreamingEventsIsWrittenInTheShapeOfTheFixture() throws Exception {
    byte[] request =
        EwsStreaming.request(
            asAlice(),
            List.of(
                "FQBleGNoLTAxLmZhYnJpa2FtLmV4YW1wbGUQAAAA",
                "FQBleGNoLTAxLmZhYnJpa2FtLmV4YW1wbGUQAAAB"),
            30);
    assertEquals(
        shape(FakeExchange.fixture("getstreamingevents-request.xml")),
        shape(new String(request, StandardCharsets.UTF_8)));
  }

  @Test
  void portsAreReusedAcrossCallsAndEachServesOneCallAtATime() throws Exception {
    exchange.impersonable.add(ALICE);
    for (int i = 0; i < 3; i++) {
      assertFalse(ews.sentItemWith(asAlice(), "<none-" + i + "@contoso.example>"));
    }
    assertEquals(1, ews.idlePortCount(), "one port, reused");
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Boolean>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int n = i;
        calls.add(pool.submit(() -> ews.sentItemWith(asAlice(), "<c-" + n + "@contoso.example>")));
      }
      for (var call : calls) {
        assertFalse(call.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(ews.idlePortCount() <= 5, "at most one port per concurrent caller, plus the first");
    assertEquals(List.of(), exchange.anchorProblems, "every call kept its own headers");
  }

  @Test
  void aSendExchangeWillNeverTakeIsASendRefusal() {
    // The service account may not act as Alice (the admin's scope left her out).
    SendRefused denied =
        assertThrows(SendRefused.class, () -> ews.sendAndSaveCopy(asAlice(), LATER));
    assertTrue(denied.getMessage().contains("ErrorImpersonateUserDenied"), denied.getMessage());
    exchange.impersonable.add(ALICE);
    byte[] asBob =
        new String(LATER, StandardCharsets.UTF_8)
            .replace("From: alice@", "From: bob@")
            .getBytes(StandardCharsets.UTF_8);
    SendRefused sendAs =
        assertThrows(SendRefused.class, () -> ews.sendAndSaveCopy(asAlice(), asBob));
    assertTrue(sendAs.getMessage().contains("ErrorSendAsDenied"), sendAs.getMessage());
    assertEquals(List.of(), exchange.sentMessageIds(ALICE));
  }

  @Test
  void aBusySendIsRetriedAfterTheBackOffAndSentOnce() {
    exchange.impersonable.add(ALICE);
    exchange.answerNextWith(500, FakeExchange.fixture("serverbusy-fault.xml"));
    ews.sendAndSaveCopy(asAlice(), LATER);
    assertEquals(2, exchange.ewsRequests.size());
    assertEquals(List.of("<later-1@contoso.example>"), exchange.sentMessageIds(ALICE));
  }

  static String shape(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    Element root =
        factory
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
            .getDocumentElement();
    StringBuilder out = new StringBuilder();
    append(root, out, 0);
    return out.toString();
  }

  private static void append(Element element, StringBuilder out, int depth) {
    out.append("  ".repeat(depth))
        .append('{')
        .append(element.getNamespaceURI())
        .append('}')
        .append(element.getLocalName());
    NamedNodeMap attributes = element.getAttributes();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < attributes.getLength(); i++) {
      Node attribute = attributes.item(i);
      if (!"http://www.w3.org/2000/xmlns/".equals(attribute.getNamespaceURI())) {
        names.add(attribute.getLocalName() + "=" + attribute.getNodeValue());
      }
    }
    names.sort(String::compareTo);
    out.append(names).append('\n');
    for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element e) {
        append(e, out, depth + 1);
      } else if (child.getNodeType() == Node.TEXT_NODE && !child.getNodeValue().isBlank()) {
        out.append("  ".repeat(depth + 1)).append(child.getNodeValue().strip()).append('\n');
      }
    }
  }

  @Test
  void noLoggedPropertyMeansNotLogged() {
    exchange.items.put(
        "plain",
        new FakeItem(
            "plain",
            "Plain",
            TestMime.message("plain@x.example", "Plain", "a@x.example", "b@x.example", "hi", 0),
            List.of(),
            Map.of()));
    assertNull(mailbox.read(call, "plain").loggedActivityId());
  }
}
