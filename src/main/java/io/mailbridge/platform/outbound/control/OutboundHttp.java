package io.mailbridge.platform.outbound.control;

import io.mailbridge.platform.outbound.control.OutboundFailure.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one client for calls to servers Mailbridge does not run. Before each request and each
 * redirect it checks the scheme, the host and every address the host resolves to against the
 * caller's policy, and it reads at most the allowed number of bytes within the allowed time.
 */
@ApplicationScoped
public class OutboundHttp {

  private static final Logger LOG = Logger.getLogger(OutboundHttp.class.getName());

  private final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** GETs a document, following redirects that the policy allows too. */
  public OutboundResponse get(
      URI uri, OutboundPolicy policy, OutboundLimits limits, Map<String, String> headers)
      throws OutboundFailure {
    long deadline = System.nanoTime() + limits.timeout().toNanos();
    URI current = uri;
    for (int hop = 0; ; hop++) {
      checkDestination(current, policy);
      HttpRequest.Builder request = HttpRequest.newBuilder(current).GET();
      headers.forEach(request::header);
      OutboundResponse response = send(request, current, limits, deadline);
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
      URI uri,
      OutboundPolicy policy,
      OutboundLimits limits,
      Map<String, String> headers,
      byte[] body)
      throws OutboundFailure {
    long deadline = System.nanoTime() + limits.timeout().toNanos();
    checkDestination(uri, policy);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return send(request, uri, limits, deadline);
  }

  /** Refuses a destination the policy does not allow; resolves the host to check its addresses. */
  public void checkDestination(URI uri, OutboundPolicy policy) throws OutboundFailure {
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
    if (!rule.privateAddress()) {
      InetAddress[] addresses;
      try {
        addresses = InetAddress.getAllByName(host);
      } catch (UnknownHostException e) {
        throw new OutboundFailure(Reason.FAILED, host + " cannot be resolved");
      }
      for (InetAddress address : addresses) {
        if (!isPublic(address)) {
          throw new OutboundFailure(
              Reason.REFUSED,
              host
                  + " resolves to a private, loopback or link-local address, which is not allowed");
        }
      }
    }
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

  static boolean isPublic(InetAddress address) {
    if (address.isAnyLocalAddress()
        || address.isLoopbackAddress()
        || address.isLinkLocalAddress()
        || address.isSiteLocalAddress()
        || address.isMulticastAddress()) {
      return false;
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first != 0
          && !(first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
          && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
          && !(first == 198 && (second == 18 || second == 19)) // benchmarking
          && first < 240; // reserved and broadcast
    }
    if (address instanceof Inet6Address) {
      int first = b[0] & 0xff;
      return (first & 0xfe) != 0xfc; // unique local fc00::/7
    }
    return false;
  }

  private OutboundResponse send(
      HttpRequest.Builder builder, URI uri, OutboundLimits limits, long deadline)
      throws OutboundFailure {
    Duration left = Duration.ofNanos(deadline - System.nanoTime());
    if (left.isNegative() || left.isZero()) {
      throw new OutboundFailure(Reason.TIMEOUT, uri.getHost() + " did not answer in time");
    }
    HttpResponse<InputStream> response;
    try {
      response =
          client.send(builder.timeout(left).build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new OutboundFailure(Reason.TIMEOUT, uri.getHost() + " did not answer in time");
    } catch (IOException e) {
      LOG.log(Level.FINE, "Outbound call failed", e);
      throw new OutboundFailure(Reason.FAILED, uri.getHost() + " could not be reached");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutboundFailure(Reason.FAILED, "Interrupted while calling " + uri.getHost());
    }
    return new OutboundResponse(
        uri,
        response.statusCode(),
        response.headers(),
        readCapped(response, uri, limits, deadline));
  }

  private static byte[] readCapped(
      HttpResponse<InputStream> response, URI uri, OutboundLimits limits, long deadline)
      throws OutboundFailure {
    OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
    InputStream body = response.body();
    if (declared.isPresent() && declared.getAsLong() > limits.maxBytes()) {
      closeQuietly(body);
      throw tooLarge(uri, limits);
    }
    // The client's timeout covers the headers only: a body that trickles is cut off here.
    AtomicBoolean timedOut = new AtomicBoolean();
    long left = Math.max(1, deadline - System.nanoTime());
    CompletableFuture<Void> watchdog =
        CompletableFuture.runAsync(
            () -> {
              timedOut.set(true);
              closeQuietly(body);
            },
            CompletableFuture.delayedExecutor(left, TimeUnit.NANOSECONDS));
    try (body) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[16384];
      long total = 0;
      for (int n; (n = body.read(buffer)) != -1; ) {
        total += n;
        if (total > limits.maxBytes()) {
          throw tooLarge(uri, limits);
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      if (timedOut.get()) {
        throw new OutboundFailure(Reason.TIMEOUT, uri.getHost() + " did not answer in time");
      }
      throw new OutboundFailure(
          Reason.FAILED, "Reading the answer of " + uri.getHost() + " failed");
    } finally {
      watchdog.cancel(false);
    }
  }

  private static OutboundFailure tooLarge(URI uri, OutboundLimits limits) {
    return new OutboundFailure(
        Reason.TOO_LARGE,
        "The answer of " + uri.getHost() + " is larger than " + limits.maxBytes() + " bytes");
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // Nothing more to release.
    }
  }
}
