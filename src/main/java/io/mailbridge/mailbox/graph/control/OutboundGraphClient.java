package io.mailbridge.mailbox.graph.control;

import com.microsoft.graph.core.requests.GraphClientFactory;
import io.mailbridge.mailbox.control.MailboxQuotaSpent;
import io.mailbridge.mailbox.control.MailboxQuotas;
import io.mailbridge.mailbox.control.PacedLimit;
import io.mailbridge.platform.outbound.control.CallOutcome;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Proxy;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The OkHttp client under the Graph SDK, held to the platform's outbound rules: every request and
 * every redirect the SDK's middleware makes is checked against the policy (host, scheme,
 * addresses), the whole call including the SDK's throttling retries has a time limit, and an answer
 * larger than the cap is refused. Every request, each retry of the SDK's included, is reported to
 * the metrics under the {@link GraphOperation} it carries.
 */
final class OutboundGraphClient {

  private OutboundGraphClient() {}

  /** Thrown through OkHttp as an IOException; carries why the call was refused or cut. */
  static final class OutboundIOException extends IOException {
    private final transient OutboundFailure failure;

    OutboundIOException(OutboundFailure failure) {
      super(failure.getMessage());
      this.failure = failure;
    }

    OutboundFailure failure() {
      return failure;
    }
  }

  /** Thrown through OkHttp as an IOException: the mailbox's pacing held the request back. */
  static final class PacedIOException extends IOException {
    private final transient MailboxQuotaSpent spent;

    PacedIOException(MailboxQuotaSpent spent) {
      super(spent.getMessage());
      this.spent = spent;
    }

    MailboxQuotaSpent spent() {
      return spent;
    }
  }

  /** Times one request from the interceptor's start; the body is read after it, by the SDK. */
  private record Timing(OutboundHttp outbound, GraphOperation operation, long start) {
    Timing(OutboundHttp outbound, GraphOperation operation) {
      this(outbound, operation, System.nanoTime());
    }

    void done(CallOutcome outcome) {
      outbound.record(operation.call(), outcome, System.nanoTime() - start);
    }
  }

  static OkHttpClient create(
      OutboundHttp outbound, OutboundPolicy policy, Duration timeout, long maxBytes) {
    Interceptor checked =
        chain -> {
          GraphOperation operation = chain.request().tag(GraphOperation.class);
          Timing timing =
              new Timing(outbound, operation == null ? GraphOperation.UNNAMED : operation);
          try {
            outbound.checkDestination(chain.request().url().uri(), policy);
          } catch (OutboundFailure refused) {
            timing.done(CallOutcome.REFUSED);
            throw new OutboundIOException(refused);
          }
          Response response;
          try {
            response = chain.proceed(chain.request());
          } catch (IOException e) {
            // Only the call's time limit cancels a call; a connect timeout is interrupted I/O.
            boolean late = chain.call().isCanceled() || e instanceof InterruptedIOException;
            timing.done(late ? CallOutcome.TIMEOUT : CallOutcome.UNREACHABLE);
            throw e;
          }
          ResponseBody body = response.body();
          long declared = body == null ? 0 : body.contentLength();
          boolean tooLarge =
              declared > maxBytes
                  || (declared < 0
                      && body != null
                      && response.peekBody(maxBytes + 1).contentLength() > maxBytes);
          if (tooLarge) {
            timing.done(CallOutcome.TOO_LARGE);
            response.close();
            throw new OutboundIOException(
                new OutboundFailure(
                    OutboundFailure.Reason.TOO_LARGE,
                    "The answer of "
                        + chain.request().url().host()
                        + " is larger than "
                        + maxBytes
                        + " bytes"));
          }
          timing.done(CallOutcome.of(response.code(), response.header("Retry-After") != null));
          return response;
        };
    // The interceptor refuses early; the resolver makes the connection go only to addresses that
    // passed the check, and no proxy stands between (the check must see the destination).
    return GraphClientFactory.create()
        .addInterceptor(checked)
        .dns(outbound.dnsFor(policy))
        .proxy(Proxy.NO_PROXY)
        .followRedirects(false)
        .followSslRedirects(false)
        .callTimeout(timeout)
        .build();
  }

  /**
   * The shared client for the calls of one mailbox: each request, each of the SDK's retries too,
   * waits for its turn in the mailbox's quota and holds one of its places in flight until Graph
   * answered; a 429 or 503 with Retry-After pauses that mailbox (only it) for as long as Graph
   * asked. The pacing sits before the outbound check, so a wait is not timed as Graph's answer.
   */
  static OkHttpClient paced(OkHttpClient shared, MailboxQuotas quotas, String mailboxId) {
    Interceptor pace =
        chain -> {
          MailboxQuotas.Turn turn;
          try {
            turn = quotas.enter(PacedLimit.GRAPH, mailboxId, 1);
          } catch (MailboxQuotaSpent spent) {
            throw new PacedIOException(spent);
          }
          try (turn) {
            Response response = chain.proceed(chain.request());
            if (response.code() == 429 || response.code() == 503) {
              Duration after = retryAfter(response.header("Retry-After"));
              if (after != null) {
                quotas.pause(PacedLimit.GRAPH, mailboxId, after);
              }
            }
            return response;
          }
        };
    OkHttpClient.Builder builder = shared.newBuilder();
    builder.interceptors().add(builder.interceptors().size() - 1, pace);
    return builder.build();
  }

  /**
   * Retry-After as seconds or as an HTTP date (RFC 9110 10.2.3); null when absent or unreadable.
   */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.strip())));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at =
            ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration left = Duration.between(java.time.Instant.now(), at.toInstant());
        return left.isNegative() ? Duration.ZERO : left;
      } catch (DateTimeParseException unreadable) {
        return null;
      }
    }
  }
}
