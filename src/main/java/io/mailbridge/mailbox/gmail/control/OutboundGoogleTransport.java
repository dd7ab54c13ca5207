package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import io.mailbridge.mailbox.control.MailboxQuotaSpent;
import io.mailbridge.mailbox.control.MailboxQuotas;
import io.mailbridge.mailbox.control.PacedLimit;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.outbound.control.OutboundResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A transport for Google's API client that sends every request through Mailbridge's outbound
 * client, so Gmail calls get the same host policy, time limit and size cap as every other call.
 * Methods other than GET and POST go as POST with {@code X-HTTP-Method-Override}, which the client
 * library adds itself when a transport does not support them. A transport serves one operation,
 * whose label its calls carry in the metrics; paced, each call waits for its turn in the mailbox's
 * budget under the API's quota (Gmail's or Google Calendar's) at the operation's cost, and a 429
 * with Retry-After pauses that mailbox under that quota.
 */
final class OutboundGoogleTransport extends HttpTransport {

  // The JDK client sets these itself and refuses them from callers.
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private final OutboundHttp outbound;
  private final OutboundCall call;
  private final OutboundPolicy policy;
  private final OutboundLimits limits;
  private MailboxQuotas quotas;
  private PacedLimit limit;
  private String mailboxId;
  private long units;

  OutboundGoogleTransport(
      OutboundHttp outbound, OutboundCall call, OutboundPolicy policy, OutboundLimits limits) {
    this.outbound = outbound;
    this.call = call;
    this.policy = policy;
    this.limits = limits;
  }

  /**
   * Paces the transport's calls as {@code mailboxId}'s (none when null) under {@code limit}, {@code
   * units} each.
   */
  OutboundGoogleTransport pacedAs(
      MailboxQuotas quotas, PacedLimit limit, String mailboxId, long units) {
    this.quotas = quotas;
    this.limit = limit;
    this.mailboxId = mailboxId;
    this.units = units;
    return this;
  }

  /** Thrown as an IOException by the client library: the mailbox's pacing held the call back. */
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

  @Override
  public boolean supportsMethod(String method) {
    return "GET".equals(method) || "POST".equals(method);
  }

  @Override
  protected LowLevelHttpRequest buildRequest(String method, String url) {
    return new Request(method, URI.create(url));
  }

  /** Thrown as an IOException by the client library; carries why the call was not made or cut. */
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

  private final class Request extends LowLevelHttpRequest {
    private final String method;
    private final URI uri;
    private final Map<String, String> headers = new LinkedHashMap<>();

    Request(String method, URI uri) {
      this.method = method;
      this.uri = uri;
    }

    @Override
    public void addHeader(String name, String value) {
      if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
        headers.merge(name, value, (a, b) -> a + ", " + b);
      }
    }

    @Override
    public LowLevelHttpResponse execute() throws IOException {
      if (getContentType() != null) {
        headers.put("Content-Type", getContentType());
      }
      if (getContentEncoding() != null) {
        headers.put("Content-Encoding", getContentEncoding());
      }
      MailboxQuotas.Turn turn;
      try {
        turn = quotas == null ? () -> {} : quotas.enter(limit, mailboxId, units);
      } catch (MailboxQuotaSpent spent) {
        throw new PacedIOException(spent);
      }
      try (turn) {
        OutboundResponse response;
        if ("GET".equals(method)) {
          response = outbound.get(call, uri, policy, limits, headers);
        } else {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          if (getStreamingContent() != null) {
            getStreamingContent().writeTo(body);
          }
          response = outbound.post(call, uri, policy, limits, headers, body.toByteArray());
        }
        if (quotas != null && response.status() == 429) {
          Duration after = retryAfter(response.header("Retry-After"));
          if (after != null) {
            quotas.pause(limit, mailboxId, after);
          }
        }
        return new Response(response);
      } catch (OutboundFailure failure) {
        throw new OutboundIOException(failure);
      }
    }
  }

  /** Retry-After in seconds; null when absent or not seconds. */
  private static Duration retryAfter(String header) {
    try {
      return header == null
          ? null
          : Duration.ofSeconds(Math.max(0, Long.parseLong(header.strip())));
    } catch (NumberFormatException notSeconds) {
      return null;
    }
  }

  private static final class Response extends LowLevelHttpResponse {
    private final OutboundResponse response;
    private final List<String[]> headers = new ArrayList<>();

    Response(OutboundResponse response) {
      this.response = response;
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!name.startsWith(":")) {
                  values.forEach(value -> headers.add(new String[] {name, value}));
                }
              });
    }

    @Override
    public InputStream getContent() {
      return new ByteArrayInputStream(response.body());
    }

    @Override
    public String getContentEncoding() {
      return response.header("Content-Encoding");
    }

    @Override
    public long getContentLength() {
      return response.body().length;
    }

    @Override
    public String getContentType() {
      return response.header("Content-Type");
    }

    @Override
    public String getStatusLine() {
      return "HTTP/1.1 " + response.status();
    }

    @Override
    public int getStatusCode() {
      return response.status();
    }

    @Override
    public String getReasonPhrase() {
      return null;
    }

    @Override
    public int getHeaderCount() {
      return headers.size();
    }

    @Override
    public String getHeaderName(int index) {
      return headers.get(index)[0];
    }

    @Override
    public String getHeaderValue(int index) {
      return headers.get(index)[1];
    }
  }
}
