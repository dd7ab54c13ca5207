package io.mailbridge.mailbox.ews.control;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The EWS client, its concurrency limit and the org's service account, wired to a fake Exchange on
 * loopback for the tests of the books that sync through the org's Exchange connection.
 */
final class ExchangeLoopback {

  static final String CREDENTIAL = "Basic c3ZjOnNlY3JldA==";

  private ExchangeLoopback() {}

  static EwsClient client() {
    EwsClient ews = new EwsClient();
    ews.outbound = new OutboundHttp();
    ews.timeout = Duration.ofSeconds(20);
    ews.maxResponseBytes = 10_000_000;
    ews.busyAttempts = 3;
    ews.maxBackoff = Duration.ofSeconds(2);
    return ews;
  }

  static EwsConcurrency concurrency() {
    EwsConcurrency concurrency = new EwsConcurrency();
    concurrency.maxConcurrency = 4;
    concurrency.wait = Duration.ofSeconds(5);
    return concurrency;
  }

  /** The org's service account, impersonating each mailbox's user; {@code anchor} as EwsCall's. */
  static ExchangeServiceAccount serviceAccount(FakeExchange exchange, String anchor) {
    return new ExchangeServiceAccount() {
      @Override
      ServiceCall call(MailboxAccess mailbox) {
        return new ServiceCall(
            "connection-1",
            new EwsCall(
                    URI.create(exchange.ewsUrl()),
                    CREDENTIAL,
                    host -> Optional.of(new HostRule(true, true)),
                    null,
                    anchor)
                .impersonating(mailbox.appUser()));
      }
    };
  }

  /** A user's mailbox, reached through the org's Exchange connection. */
  static MailboxAccess mailbox(FakeExchange exchange, String user) {
    return new MailboxAccess(
        MailboxKind.EXCHANGE,
        "org-1",
        "connection-1",
        URI.create(exchange.ewsUrl()),
        () -> CREDENTIAL,
        user);
  }
}
