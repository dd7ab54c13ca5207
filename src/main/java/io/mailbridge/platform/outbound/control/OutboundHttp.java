package io.mailbridge.platform.outbound.control;

import io.mailbridge.platform.outbound.control.OutboundFailure.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpHeaders;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The one client for calls to servers Mailbridge does not run. Before each request and each
 * redirect it checks the scheme and the host against the caller's policy; the connection itself
 * resolves the host once and connects only to addresses that passed the address check, so a DNS
 * answer that changes between check and connection cannot lead to a private address. It reads at
 * most the allowed number of bytes within the allowed time. Every call is reported, with its
 * caller's provider and operation labels, to the metrics.
 */
@ApplicationScoped
public class OutboundHttp {

  private static final Logger LOG = Logger.getLogger(OutboundHttp.class.getName());

  private final DestinationAddresses addresses;
  private final OkHttpClient client;
  // One resolver per rule, not per call: pooled connections are kept per resolver.
  private final Dns publicOnly;
  private final Dns anyAddress;

  // Replaced by the server's metrics when the container creates the client.
  @Inject OutboundMeter meter = OutboundMeter.NONE;

  public OutboundHttp() {
    this(new DestinationAddresses());
  }

  OutboundHttp(DestinationAddresses addresses) {
    this.addresses = addresses;
    this.publicOnly = new CheckedDns(addresses, false);
    this.anyAddress = new CheckedDns(addresses, true);
    // No proxy: the address check must see the destination itself. Each call sets its own total
    // time limit (callTimeout), which covers reading the body too.
    this.client =
        new OkHttpClient.Builder()
            .followRedirects(false)
            .followSslRedirects(false)
            .protocols(List.of(Protocol.HTTP_1_1))
            .proxy(Proxy.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(10))
            .readTimeout(Duration.ZERO)
            .writeTimeout(Duration.ZERO)
            .build();
  }

  /** GETs a document, following redirects that the policy allows too. */
  public OutboundResponse get(
      OutboundCall call,
      URI uri,
      OutboundPolicy policy,
      OutboundLimits limits,
      Map<String, String> headers)
      throws OutboundFailure {
    return measured(call, () -> follow(uri, policy, limits, headers, null));
  }

  /** GETs a document trusting these certificate authorities besides the JVM's. */
  public OutboundResponse get(
      OutboundCall call,
      URI uri,
      OutboundPolicy policy,
      OutboundLimits limits,
      Map<String, String> headers,
      OutboundTrust trust)
      throws OutboundFailure {
    return measured(call, () -> follow(uri, policy, limits, headers, trust));
  }

  /**
   * GETs once without following a redirect: the caller decides about the {@code Location} (and
   * checks it against a policy before going there).
   */
  public OutboundResponse getOnce(
      OutboundCall call,
      URI uri,
      OutboundPolicy policy,
      OutboundLimits limits,
      Map<String, String> headers)
      throws OutboundFailure {
    return measured(
        call,
        () -> {
          long deadline = System.nanoTime() + limits.timeout().toNanos();
          HostRule rule = admit(uri, policy);
          return send(request(uri, headers).get(), uri, rule, limits, deadline, null, null);
        });
  }

  private OutboundResponse follow(
      URI uri,
      OutboundPolicy policy,
      OutboundLimits limits,
      Map<String, String> headers,
      OutboundTrust trust)
      throws OutboundFailure {
    long deadline = System.nanoTime() + limits.timeout().toNanos();
    URI current = uri;
    for (int hop = 0; ; hop++) {
      HostRule rule = admit(current, policy);
      Request.Builder request = request(current, headers).get();
      OutboundResponse response = send(request, current, rule, limits, deadline, trust, null);
      if (!isRedirect(response.status())) {
        return response;
      }
      String location = response.header("Location");
      if (location == null || hop >= limits.maxRedirects()) {
        throw new OutboundFailure(
            Reason.FAILED, current.getHost() + " redirected too often or without a Location");
      }
      try {
        current = current.resolve(location.strip());
      } catch (IllegalArgumentException e) {
        throw new OutboundFailure(Reason.FAILED, current.getHost() + " redirected to a bad URL");
      }
    }
  }

  /** POSTs a body; redirects are not followed (a POST is never re-sent elsewhere). */
  public OutboundResponse post(
      OutboundCall call,
      URI uri,
      OutboundPolicy policy,
      OutboundLimits limits,
      Map<String, String> headers,
      byte[] body)
      throws OutboundFailure {
    return post(call, uri, policy, limits, headers, body, null);
  }

  /** POSTs a body trusting these certificate authorities besides the JVM's (null: the JVM's). */
  public OutboundResponse post(
      OutboundCall call,
      URI uri,
      OutboundPolicy policy,
      OutboundLimits limits,
      Map<String, String> headers,
      byte[] body,
      OutboundTrust trust)
      throws OutboundFailure {
    return measured(
        call,
        () -> {
          long deadline = System.nanoTime() + limits.timeout().toNanos();
          HostRule rule = admit(uri, policy);
          Request.Builder request = request(uri, headers).post(RequestBody.create(body, null));
          return send(request, uri, rule, limits, deadline, trust, null);
        });
  }

  /**
   * POSTs a body authenticating with a handshake bound to the connection (NTLM): its messages go
   * over one connection of this call's own, which is closed afterwards, so no other request is ever
   * sent on a connection the server has authenticated as this account.
   */
  public OutboundResponse post(
      OutboundCall call,
      URI uri,
      OutboundPolicy policy,
      OutboundLimits limits,
      Map<String, String> headers,
      byte[] body,
      OutboundTrust trust,
      ConnectionHandshake handshake)
      throws OutboundFailure {
    return measured(
        call,
        () -> {
          long deadline = System.nanoTime() + limits.timeout().toNanos();
          HostRule rule = admit(uri, policy);
          Request.Builder request =
              request(uri, headers)
                  .header("Authorization", handshake.opening())
                  .post(RequestBody.create(body, null));
          return send(request, uri, rule, limits, deadline, trust, handshake);
        });
  }

  /** Reads an answer as it arrives (a long-lived stream), after its status and headers came. */
  @FunctionalInterface
  public interface StreamReader {
    void read(int status, HttpHeaders headers, InputStream body) throws IOException;
  }

  /**
   * POSTs a body and hands the answer's body to {@code reader} as it arrives, for answers that
   * stream for minutes (EWS {@code GetStreamingEvents}): {@code limits.timeout()} bounds the whole
   * call, the reader bounds what it keeps. {@code handshake} may be null. Returns when the server
   * ends the answer or the reader stops reading; a connection that breaks is {@link
   * OutboundFailure}. {@code cancel} receives a handle that ends the call from another thread.
   */
  public void postStreamed(
      OutboundCall call,
      URI uri,
      OutboundPolicy policy,
      OutboundLimits limits,
      Map<String, String> headers,
      byte[] body,
      OutboundTrust trust,
      ConnectionHandshake handshake,
      java.util.function.Consumer<Runnable> cancel,
      StreamReader reader)
      throws OutboundFailure {
    long start = System.nanoTime();
    HostRule rule;
    try {
      rule = admit(uri, policy);
    } catch (OutboundFailure failure) {
      meter.record(call, CallOutcome.of(failure.reason()), System.nanoTime() - start);
      throw failure;
    }
    Request.Builder request = request(uri, headers).post(RequestBody.create(body, null));
    if (handshake != null) {
      request.header("Authorization", handshake.opening());
    }
    Call exchange =
        clientFor(rule, limits.timeout().toMillis(), trust, handshake).newCall(request.build());
    cancel.accept(exchange::cancel);
    try (Response response = exchange.execute()) {
      meter.record(call, CallOutcome.of(response.code(), false), System.nanoTime() - start);
      ResponseBody answer = response.body();
      reader.read(
          response.code(),
          HttpHeaders.of(response.headers().toMultimap(), (name, value) -> true),
          answer == null ? InputStream.nullInputStream() : answer.byteStream());
    } catch (IOException e) {
      OutboundFailure refused = refusal(e);
      if (refused != null) {
        throw refused;
      }
      OutboundFailure tls = CertificateFailures.of(uri, e);
      if (tls != null) {
        throw tls;
      }
      if (exchange.isCanceled() || e instanceof InterruptedIOException) {
        throw timedOut(uri);
      }
      LOG.log(Level.FINE, "Outbound stream failed", e);
      throw new OutboundFailure(Reason.FAILED, uri.getHost() + " closed the connection");
    }
  }

  private OkHttpClient clientFor(
      HostRule rule, long timeoutMillis, OutboundTrust trust, ConnectionHandshake handshake) {
    OkHttpClient.Builder builder =
        client
            .newBuilder()
            .dns(rule.privateAddress() ? anyAddress : publicOnly)
            .callTimeout(Duration.ofMillis(Math.max(1, timeoutMillis)));
    if (trust != null) {
      builder.sslSocketFactory(trust.socketFactory(), trust.trustManager());
    }
    if (handshake != null) {
      // OkHttp sends an answer to a challenge on the connection the challenge came over; a pool
      // of its own that keeps nothing idle closes that connection when the call ends.
      builder
          .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
          .authenticator(
              (route, response) -> {
                String answer = handshake.answer(response.headers("WWW-Authenticate"));
                return answer == null
                    ? null
                    : response.request().newBuilder().header("Authorization", answer).build();
              });
    }
    return builder.build();
  }

  /**
   * Reports a call made by a client built elsewhere (the Graph SDK's, which resolves through {@link
   * #dnsFor}) to the same metrics as the calls made here.
   */
  public void record(OutboundCall call, CallOutcome outcome, long nanos) {
    meter.record(call, outcome, nanos);
  }

  /** One exchange with a server: redirects followed, the whole answer read. */
  @FunctionalInterface
  private interface Exchange {
    OutboundResponse run() throws OutboundFailure;
  }

  private OutboundResponse measured(OutboundCall call, Exchange exchange) throws OutboundFailure {
    long start = System.nanoTime();
    try {
      OutboundResponse response = exchange.run();
      meter.record(
          call,
          CallOutcome.of(response.status(), response.header("Retry-After") != null),
          System.nanoTime() - start);
      return response;
    } catch (OutboundFailure failure) {
      meter.record(call, CallOutcome.of(failure.reason()), System.nanoTime() - start);
      throw failure;
    }
  }

  /**
   * Refuses a destination the policy does not allow, resolving the host to check its addresses: an
   * early answer for callers that want one before they start. The connection checks again the
   * addresses it actually uses.
   */
  public void checkDestination(URI uri, OutboundPolicy policy) throws OutboundFailure {
    addressesOf(uri, policy);
  }

  /**
   * The addresses a call to this URL would connect to, after the same checks (scheme, allow-list,
   * address rule): for a diagnosis that reports resolution and connection as steps of their own.
   */
  public List<InetAddress> addressesOf(URI uri, OutboundPolicy policy) throws OutboundFailure {
    HostRule rule = admit(uri, policy);
    return addresses.resolve(hostOf(uri), rule.privateAddress());
  }

  /**
   * A resolver for OkHttp clients built elsewhere (the Graph SDK's): it resolves a host once and
   * answers only when the policy lists the host and every address may be reached under its rule.
   */
  public Dns dnsFor(OutboundPolicy policy) {
    return host -> {
      HostRule rule =
          policy
              .ruleFor(host.toLowerCase(Locale.ROOT))
              .orElseThrow(
                  () ->
                      new RefusedAddress(
                          new OutboundFailure(Reason.REFUSED, host + " is not on the allow-list")));
      return resolveOrRefuse(addresses, host, rule.privateAddress());
    };
  }

  /** The host of a URL, lower case, without IPv6 brackets; null if it has none. */
  public static String hostOf(URI uri) {
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      return null;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.toLowerCase(Locale.ROOT);
  }

  /**
   * The rule for the URL's host, after checking scheme, host and allow-list. An address literal is
   * checked here, as the connection does not resolve it; a name is checked when it is resolved.
   */
  private HostRule admit(URI uri, OutboundPolicy policy) throws OutboundFailure {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = hostOf(uri);
    if (host == null || uri.getRawUserInfo() != null) {
      throw new OutboundFailure(Reason.REFUSED, "The URL has no usable host");
    }
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new OutboundFailure(Reason.REFUSED, "Only HTTPS URLs are allowed, not " + scheme);
    }
    HostRule rule =
        policy
            .ruleFor(host)
            .orElseThrow(
                () -> new OutboundFailure(Reason.REFUSED, host + " is not on the allow-list"));
    if (scheme.equals("http") && !rule.plainHttp()) {
      throw new OutboundFailure(
          Reason.REFUSED, host + " must be reached over HTTPS (plain HTTP is not allowed for it)");
    }
    if (DestinationAddresses.isLiteral(host)) {
      addresses.resolve(host, rule.privateAddress());
    }
    return rule;
  }

  private static Request.Builder request(URI uri, Map<String, String> headers)
      throws OutboundFailure {
    Request.Builder request;
    try {
      request = new Request.Builder().url(HttpUrl.get(uri));
      headers.forEach(request::header);
    } catch (IllegalArgumentException e) {
      throw new OutboundFailure(Reason.REFUSED, "The URL or a header cannot be sent");
    }
    return request;
  }

  private OutboundResponse send(
      Request.Builder request,
      URI uri,
      HostRule rule,
      OutboundLimits limits,
      long deadline,
      OutboundTrust trust,
      ConnectionHandshake handshake)
      throws OutboundFailure {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw timedOut(uri);
    }
    Call call = clientFor(rule, left / 1_000_000, trust, handshake).newCall(request.build());
    try (Response response = call.execute()) {
      List<X509Certificate> peer = new ArrayList<>();
      if (response.handshake() != null) {
        for (Certificate certificate : response.handshake().peerCertificates()) {
          if (certificate instanceof X509Certificate x509) {
            peer.add(x509);
          }
        }
      }
      return new OutboundResponse(
          uri,
          response.code(),
          HttpHeaders.of(response.headers().toMultimap(), (name, value) -> true),
          readCapped(response.body(), uri, limits),
          List.copyOf(peer));
    } catch (IOException e) {
      OutboundFailure refused = refusal(e);
      if (refused != null) {
        throw refused;
      }
      OutboundFailure tls = CertificateFailures.of(uri, e);
      if (tls != null) {
        throw tls;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new OutboundFailure(Reason.FAILED, "Interrupted while calling " + uri.getHost());
      }
      // The call's time limit cancels it; a connect timeout is an InterruptedIOException too.
      if (call.isCanceled() || e instanceof InterruptedIOException) {
        throw timedOut(uri);
      }
      LOG.log(Level.FINE, "Outbound call failed", e);
      throw new OutboundFailure(Reason.FAILED, uri.getHost() + " could not be reached");
    }
  }

  private static byte[] readCapped(ResponseBody body, URI uri, OutboundLimits limits)
      throws IOException, OutboundFailure {
    if (body == null) {
      return new byte[0];
    }
    long length = body.contentLength();
    if (length > limits.maxBytes()) {
      throw tooLarge(uri, limits);
    }
    InputStream in = body.byteStream();
    if (length >= 0) {
      // Read into one array of the announced length: a growing buffer copied a Gmail batch's
      // megabytes twice over, a tenth of a capture backfill's allocation.
      byte[] bytes = new byte[(int) length];
      if (in.readNBytes(bytes, 0, bytes.length) < bytes.length) {
        throw new IOException("The answer ended before its announced length");
      }
      return bytes;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[16384];
    long total = 0;
    for (int n; (n = in.read(buffer)) != -1; ) {
      total += n;
      if (total > limits.maxBytes()) {
        throw tooLarge(uri, limits);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** The refusal of the resolver, which OkHttp hands back as the failure of the call. */
  private static OutboundFailure refusal(IOException e) {
    if (e instanceof RefusedAddress refused) {
      return refused.failure;
    }
    for (Throwable suppressed : e.getSuppressed()) {
      if (suppressed instanceof RefusedAddress refused) {
        return refused.failure;
      }
    }
    return null;
  }

  private static List<InetAddress> resolveOrRefuse(
      DestinationAddresses addresses, String host, boolean privateAllowed)
      throws UnknownHostException {
    try {
      return addresses.resolve(host, privateAllowed);
    } catch (OutboundFailure failure) {
      throw new RefusedAddress(failure);
    }
  }

  /** OkHttp's resolver, held to one address rule. */
  private record CheckedDns(DestinationAddresses addresses, boolean privateAllowed) implements Dns {
    @Override
    public List<InetAddress> lookup(String host) throws UnknownHostException {
      return resolveOrRefuse(addresses, host, privateAllowed);
    }
  }

  /**
   * Carries a refusal through OkHttp, which lets only an UnknownHostException out of a resolver.
   */
  static final class RefusedAddress extends UnknownHostException {
    private final transient OutboundFailure failure;

    RefusedAddress(OutboundFailure failure) {
      super(failure.getMessage());
      this.failure = failure;
    }
  }

  private static OutboundFailure timedOut(URI uri) {
    return new OutboundFailure(Reason.TIMEOUT, uri.getHost() + " did not answer in time");
  }

  private static OutboundFailure tooLarge(URI uri, OutboundLimits limits) {
    return new OutboundFailure(
        Reason.TOO_LARGE,
        "The answer of " + uri.getHost() + " is larger than " + limits.maxBytes() + " bytes");
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }
}
