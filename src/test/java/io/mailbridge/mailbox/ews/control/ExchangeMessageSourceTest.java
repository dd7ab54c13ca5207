package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.exchange.FakeExchange.FakeAttachment;
import io.mailbridge.it.exchange.FakeExchange.FakeItem;
import io.mailbridge.it.exchange.TestMime;
import io.mailbridge.mailbox.control.LoggedMark;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MessageSourceContract;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The message source contract for Exchange on-premises, against the fake Exchange on loopback. */
class ExchangeMessageSourceTest extends MessageSourceContract {

  private FakeExchange exchange;

  @Override
  protected Mailbox mailbox() {
    exchange = FakeExchange.start();
    EwsClient ews = new EwsClient();
    ews.outbound = new OutboundHttp();
    ews.timeout = Duration.ofSeconds(20);
    ews.maxResponseBytes = 10_000_000;
    ews.busyAttempts = 1;
    ews.maxBackoff = Duration.ofSeconds(1);
    ExchangeMailbox source = new ExchangeMailbox();
    source.ews = ews;
    source.outbound = ews.outbound;
    source.hosts =
        new ExchangeHosts() {
          @Override
          public OutboundPolicy policyFor(String orgId) {
            return host -> Optional.of(new HostRule(true, true));
          }
        };
    Map<String, byte[]> attachments =
        attachments(
            "att-notes", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8),
            "att-plan", "floor plan".getBytes(StandardCharsets.UTF_8));
    exchange.items.put(
        "item-1",
        new FakeItem(
            "item-1",
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
                    "att-notes", "notes.csv", "text/csv", attachments.get("att-notes")),
                FakeAttachment.file(
                    "att-plan", "plan.txt", "text/plain", attachments.get("att-plan"))),
            Map.of()));
    return new Mailbox(
        source,
        new MailboxAccess(
            MailboxKind.EXCHANGE,
            "org-1",
            null,
            URI.create(exchange.ewsUrl()),
            () -> "callback-token-1"),
        "item-1",
        "Site visit notes",
        "nora.field@fabrikam.example",
        List.of("sam.ortiz@mailbridge.example", "ops@fabrikam.example"),
        attachments,
        "no-such-item");
  }

  @AfterEach
  void stop() {
    if (exchange != null) {
      exchange.close();
    }
  }

  @Test
  void thePaneWritesTheLoggedPropertyNotTheServer() {
    Mailbox m = mailbox();
    LoggedMark mark = m.source().markLogged(m.access(), m.messageId(), "activity-9");
    assertEquals(ExchangeMailbox.LOGGED_PROPERTY_SET, mark.propertySetId());
    assertEquals(ExchangeMailbox.LOGGED_PROPERTY_NAME, mark.name());
    assertFalse(mark.written());
    assertEquals(0, exchange.ewsRequests.size(), "a callback token may only read");
  }
}
