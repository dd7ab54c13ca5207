package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.mailbox.control.MailboxChangesPushed;
import io.mailbridge.mailbox.ews.entity.EwsSubscription;
import io.mailbridge.platform.problem.InvalidRequest;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.util.TypeLiteral;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exchange's push callback read from the SendNotification fixture: OK and one queued change for a
 * push subscription Mailbridge holds with the token of its URL, a status event only noted, and
 * Unsubscribe with nothing changed for an unknown id, another URL's token or a streaming
 * subscription; bodies that are not SendNotification are refused before anything is looked up.
 */
class EwsPushNotificationsTest {

  static final String ID = "FQBmYWtlLXB1c2gtc3Vic2NyaXB0aW9uLTAwMQ==";
  static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

  private final List<MailboxChangesPushed> fired = new ArrayList<>();
  private final Rows rows = new Rows();
  private EwsPushNotifications notifications;
  private String token;

  /** The stored subscriptions in memory, counting look-ups. */
  static final class Rows extends EwsChangeFeedTest.MemorySubscriptions {
    int finds;

    @Override
    public EwsSubscription find(String id) {
      finds++;
      return super.find(id);
    }

    @Override
    public void seen(String id, Instant at, String watermark) {
      EwsSubscription row = rows.get(id);
      row.seen(at);
      if (watermark != null) {
        row.readUpTo(watermark);
      }
    }
  }

  @BeforeEach
  void start() {
    notifications = new EwsPushNotifications();
    notifications.subscriptions = rows;
    notifications.pushed = recording(fired);
    notifications.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    token = EwsCallbackToken.create();
    rows.add(push(ID, token));
  }

  private static EwsSubscription push(String id, String token) {
    EwsSubscription row =
        new EwsSubscription(
            id,
            "org-1",
            EwsSubscription.PUSH,
            "ada@contoso.example",
            "AQAAAFdhdGVybWFyazE=",
            null,
            NOW.minusSeconds(600));
    row.pushedTo(EwsCallbackToken.hash(token), 5);
    return row;
  }

  private static byte[] fixture() {
    return FakeExchange.fixture("sendnotification-request.xml").getBytes(StandardCharsets.UTF_8);
  }

  private static String status(byte[] answer) {
    String text = new String(answer, StandardCharsets.UTF_8);
    int at = text.indexOf("SubscriptionStatus>");
    return text.substring(at + "SubscriptionStatus>".length(), text.indexOf('<', at));
  }

  @Test
  void aChangeForAHeldPushSubscriptionIsAnsweredOkAndQueuesItsMailboxOnce() throws Exception {
    byte[] answer = notifications.receive(token, fixture());

    assertEquals("OK", status(answer));
    assertEquals(
        EwsClientTest.shape(FakeExchange.fixture("sendnotification-result.xml")),
        EwsClientTest.shape(new String(answer, StandardCharsets.UTF_8)));
    assertEquals(List.of(new MailboxChangesPushed(ID, false)), fired);
    assertEquals(NOW, rows.find(ID).lastSeenAt());
    assertEquals("AQAAAFdhdGVybWFyazM=", rows.find(ID).watermark(), "read up to the last event");
  }

  @Test
  void aStatusEventOnlyNotesThatExchangeStillPosts() {
    String heartbeat =
        FakeExchange.fixture("sendnotification-request.xml")
            .replaceAll("(?s)<t:NewMailEvent>.*</t:NewMailEvent>", "");

    byte[] answer = notifications.receive(token, heartbeat.getBytes(StandardCharsets.UTF_8));

    assertEquals("OK", status(answer));
    assertEquals(List.of(), fired, "nothing queued");
    assertEquals(NOW, rows.find(ID).lastSeenAt());
    assertEquals("AQAAAFdhdGVybWFyazE=", rows.find(ID).watermark(), "watermark untouched");
  }

  @Test
  void anUnknownIdAnotherUrlsTokenOrAStreamingSubscriptionIsToldToUnsubscribe() {
    assertEquals(
        "Unsubscribe",
        status(
            notifications.receive(
                token,
                FakeExchange.fixture("sendnotification-request.xml")
                    .replace(ID, "FQBub3Qtb3Vycw==")
                    .getBytes(StandardCharsets.UTF_8))));
    assertEquals(
        "Unsubscribe", status(notifications.receive(EwsCallbackToken.create(), fixture())));
    assertEquals("Unsubscribe", status(notifications.receive(null, fixture())));
    rows.remove(ID);
    rows.add(
        new EwsSubscription(
            ID, "org-1", EwsSubscription.STREAMING, "ada@contoso.example", null, null, NOW));
    assertEquals("Unsubscribe", status(notifications.receive(token, fixture())));

    assertEquals(List.of(), fired);
    assertNull(rows.find(ID).lastSeenAt());
  }

  @Test
  void aBodyThatIsNotSendNotificationIsRefusedAndNothingIsLookedUp() {
    String envelope = FakeExchange.fixture("sendnotification-request.xml");
    List<String> bodies =
        List.of(
            "",
            "not xml at all",
            "{\"value\":[]}",
            "<a/>",
            "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x \"y\">]>"
                + "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                + "<soap:Body>&x;</soap:Body></soap:Envelope>",
            envelope
                .replace("m:SendNotification ", "m:GetEvents ")
                .replace("</m:SendNotification>", "</m:GetEvents>"),
            envelope.replaceAll("<t:SubscriptionId>[^<]*</t:SubscriptionId>", ""),
            envelope.replace(
                "http://schemas.xmlsoap.org/soap/envelope/", "http://example.com/not-soap"),
            envelope.substring(0, envelope.length() / 2),
            manyMessages(envelope, SentNotifications.MAX_NOTIFICATIONS + 1));
    for (String body : bodies) {
      InvalidRequest refused =
          assertThrows(
              InvalidRequest.class,
              () -> notifications.receive(token, body.getBytes(StandardCharsets.UTF_8)),
              body);
      assertEquals("invalid_notification", refused.code());
    }
    assertEquals(0, rows.finds, "no subscription looked up");
    assertEquals(List.of(), fired);
    assertNull(rows.find(ID).lastSeenAt());
    String fault =
        new String(
            EwsPushNotifications.unreadable(
                new InvalidRequest("invalid_notification", "a <b> & c")),
            StandardCharsets.UTF_8);
    assertTrue(fault.contains("<faultcode>soap:Client</faultcode>"), fault);
    assertTrue(fault.contains("a &lt;b&gt; &amp; c"), fault);
  }

  private static String manyMessages(String envelope, int count) {
    int from = envelope.indexOf("<m:SendNotificationResponseMessage ");
    int to =
        envelope.indexOf("</m:SendNotificationResponseMessage>")
            + "</m:SendNotificationResponseMessage>".length();
    String message = envelope.substring(from, to);
    return envelope.substring(0, from) + message.repeat(count) + envelope.substring(to);
  }

  @Test
  void severalNotificationsInOnePostAreEachHandled() {
    String envelope = FakeExchange.fixture("sendnotification-request.xml");
    byte[] answer =
        notifications.receive(
            token,
            manyMessages(envelope, SentNotifications.MAX_NOTIFICATIONS)
                .getBytes(StandardCharsets.UTF_8));
    assertEquals("OK", status(answer));
    assertEquals(SentNotifications.MAX_NOTIFICATIONS, fired.size());
  }

  @Test
  void theTokenIsRandomAndOnlyItsHashMatches() {
    String other = EwsCallbackToken.create();
    assertTrue(!token.equals(other));
    assertEquals(43, token.length(), "256 bits, base64url");
    assertTrue(EwsCallbackToken.matches(token, EwsCallbackToken.hash(token)));
    assertTrue(!EwsCallbackToken.matches(other, EwsCallbackToken.hash(token)));
    assertTrue(
        !EwsCallbackToken.matches(EwsCallbackToken.hash(token), EwsCallbackToken.hash(token)));
    assertNotNull(rows.find(ID).pushTokenHash());
    assertTrue(!rows.find(ID).pushTokenHash().contains(token), "the token itself is not stored");
  }

  private static Event<MailboxChangesPushed> recording(List<MailboxChangesPushed> fired) {
    return new Event<>() {
      @Override
      public void fire(MailboxChangesPushed event) {
        fired.add(event);
      }

      @Override
      public <U extends MailboxChangesPushed> CompletionStage<U> fireAsync(U event) {
        throw new UnsupportedOperationException();
      }

      @Override
      public <U extends MailboxChangesPushed> CompletionStage<U> fireAsync(
          U event, NotificationOptions options) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Event<MailboxChangesPushed> select(Annotation... qualifiers) {
        throw new UnsupportedOperationException();
      }

      @Override
      public <U extends MailboxChangesPushed> Event<U> select(
          Class<U> subtype, Annotation... qualifiers) {
        throw new UnsupportedOperationException();
      }

      @Override
      public <U extends MailboxChangesPushed> Event<U> select(
          TypeLiteral<U> subtype, Annotation... qualifiers) {
        throw new UnsupportedOperationException();
      }
    };
  }
}
