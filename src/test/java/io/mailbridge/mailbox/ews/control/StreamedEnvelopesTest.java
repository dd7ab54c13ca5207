package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mailbridge.mailbox.ews.stubs.ConnectionStatusType;
import io.mailbridge.mailbox.ews.stubs.GetStreamingEventsResponseMessageType;
import io.mailbridge.mailbox.ews.stubs.ResponseClassType;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamedEnvelopesTest {

  private static byte[] fixture() throws IOException {
    try (InputStream in =
        StreamedEnvelopesTest.class.getResourceAsStream("/ews/getstreamingevents-response.xml")) {
      return in.readAllBytes();
    }
  }

  /** Hands out at most {@code piece} bytes per read, as a network does with chunks. */
  private static InputStream inPieces(byte[] body, int piece) {
    return new FilterInputStream(new ByteArrayInputStream(body)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, piece));
      }
    };
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 61, 8192, 100000})
  void everyEnvelopeOfOneBodyIsReadInOrderHoweverTheBytesArrive(int piece) throws IOException {
    List<GetStreamingEventsResponseMessageType> messages = new ArrayList<>();
    new StreamedEnvelopes(1 << 20).read(inPieces(fixture(), piece), messages::add);

    assertEquals(4, messages.size());
    assertEquals(ConnectionStatusType.OK, messages.get(0).getConnectionStatus());
    GetStreamingEventsResponseMessageType notified = messages.get(1);
    assertNull(notified.getConnectionStatus());
    var notification = notified.getNotifications().getNotification().get(0);
    assertEquals(
        "FQBleGNoLTAxLmNvbnRvc28uY29tEAAAAHTnRhHfJpdNtnNVuzTu3pM=",
        notification.getSubscriptionId());
    assertEquals(
        List.of("CreatedEvent", "NewMailEvent"),
        notification.getCopiedEventOrCreatedEventOrDeletedEvent().stream()
            .map(e -> e.getName().getLocalPart())
            .toList());
    GetStreamingEventsResponseMessageType lost = messages.get(2);
    assertEquals(ResponseClassType.ERROR, lost.getResponseClass());
    assertEquals("ErrorSubscriptionNotFound", lost.getResponseCode());
    assertEquals(List.of("FQBgone"), lost.getErrorSubscriptionIds().getSubscriptionId());
    assertEquals(ConnectionStatusType.CLOSED, messages.get(3).getConnectionStatus());
  }

  @Test
  void anEnvelopeCutOffByTheConnectionIsNotHandedOn() throws IOException {
    byte[] body = fixture();
    String text = new String(body, StandardCharsets.UTF_8);
    int secondStart = text.indexOf("<?xml", 10);
    byte[] cut = text.substring(0, secondStart + 200).getBytes(StandardCharsets.UTF_8);
    List<GetStreamingEventsResponseMessageType> messages = new ArrayList<>();

    new StreamedEnvelopes(1 << 20).read(inPieces(cut, 13), messages::add);

    assertEquals(1, messages.size());
  }

  @Test
  void aFaultIsExchangesRefusalWithItsResponseCode() {
    String fault =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope"
            + " xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>"
            + "<faultcode xmlns:a=\"http://schemas.microsoft.com/exchange/services/2006/types\">"
            + "a:ErrorSubscriptionNotFound</faultcode><faultstring>gone</faultstring>"
            + "</s:Fault></s:Body></s:Envelope>";
    EwsRefused refused =
        assertThrows(
            EwsRefused.class,
            () ->
                new StreamedEnvelopes(1 << 20)
                    .read(
                        new ByteArrayInputStream(fault.getBytes(StandardCharsets.UTF_8)), m -> {}));
    assertEquals("ErrorSubscriptionNotFound", refused.responseCode());
  }

  @Test
  void anEnvelopeOverTheCapEndsTheStream() {
    byte[] endless =
        ("<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"x\">" + "a".repeat(5000))
            .getBytes(StandardCharsets.UTF_8);
    assertThrows(
        EwsTransportFailure.class,
        () -> new StreamedEnvelopes(1024).read(new ByteArrayInputStream(endless), m -> {}));
  }

  @Test
  void theRequestNamesTheSubscriptionsTheTimeoutAndTheImpersonatedMailbox() {
    EwsCall call =
        new EwsCall(
                java.net.URI.create("https://mail.example.com/EWS/Exchange.asmx"),
                "Basic x",
                null,
                null,
                null)
            .impersonating("alice@example.com");
    String request =
        new String(EwsStreaming.request(call, List.of("S1", "S2"), 30), StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assertions.assertTrue(
        request.matches(
            "(?s).*<(\\w+:)?GetStreamingEvents[^>]*><(\\w+:)?SubscriptionIds><(\\w+:)?SubscriptionId>S1<.*"
                + "SubscriptionId>S2<.*<(\\w+:)?ConnectionTimeout>30</.*"),
        request);
    org.junit.jupiter.api.Assertions.assertTrue(
        request.contains("PrimarySmtpAddress>alice@example.com<"), request);
    org.junit.jupiter.api.Assertions.assertTrue(
        request.contains("Version=\"Exchange2013_SP1\""), request);
  }

  /** ErrorServerBusy inside a stream, as EWS throttling answers it (MessageXml's back-off). */
  private static GetStreamingEventsResponseMessageType streamed(String message) {
    String envelope =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope"
            + " xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
            + "<m:GetStreamingEventsResponse"
            + " xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\""
            + " xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\">"
            + "<m:ResponseMessages>"
            + message
            + "</m:ResponseMessages></m:GetStreamingEventsResponse></s:Body></s:Envelope>";
    List<GetStreamingEventsResponseMessageType> messages = new ArrayList<>();
    StreamedEnvelopes.parse(envelope.getBytes(StandardCharsets.UTF_8), messages::add);
    assertEquals(1, messages.size());
    return messages.get(0);
  }

  private static String busy(String messageXml) {
    return "<m:GetStreamingEventsResponseMessage ResponseClass=\"Error\"><m:MessageText>The"
        + " server cannot service this request right now. Try again later.</m:MessageText>"
        + "<m:ResponseCode>ErrorServerBusy</m:ResponseCode>"
        + "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"
        + messageXml
        + "</m:GetStreamingEventsResponseMessage>";
  }

  @Test
  void aBusyAnswerInsideTheStreamWaitsItsBackOffBeforeTheConnectionIsOpenedAgain() {
    Duration reconnect = Duration.ofSeconds(2);
    GetStreamingEventsResponseMessageType busy =
        streamed(
            busy(
                "<m:MessageXml><t:Value Name=\"BackOffMilliseconds\">45000</t:Value>"
                    + "</m:MessageXml>"));

    assertEquals(Duration.ofMillis(45_000), EwsNotificationStreams.busyWait(busy, reconnect));
    assertEquals(
        reconnect,
        EwsNotificationStreams.busyWait(
            streamed(
                busy(
                    "<m:MessageXml><t:Value Name=\"BackOffMilliseconds\">500</t:Value>"
                        + "</m:MessageXml>")),
            reconnect),
        "never sooner than a broken connection is opened again");
    assertEquals(reconnect, EwsNotificationStreams.busyWait(streamed(busy("")), reconnect));
  }

  @Test
  void otherMessagesAreNoBackOff() throws IOException {
    List<GetStreamingEventsResponseMessageType> messages = new ArrayList<>();
    new StreamedEnvelopes(1 << 20).read(new ByteArrayInputStream(fixture()), messages::add);
    for (GetStreamingEventsResponseMessageType message : messages) {
      assertNull(EwsNotificationStreams.busyWait(message, Duration.ofSeconds(2)));
    }
  }
}
