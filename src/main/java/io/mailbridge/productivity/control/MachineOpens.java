package io.mailbridge.productivity.control;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells fetches made by machines from reads by people, so tracking does not report a proxy or a
 * security scanner as the recipient. The rules, in order (the first that applies names the reason):
 * no user agent ({@code no_user_agent}); a mail provider's image proxy: Apple Mail Privacy
 * Protection's bare {@code Mozilla/5.0} ({@code proxy_apple}), Gmail's {@code GoogleImageProxy}
 * ({@code proxy_google}), Yahoo's {@code YahooMailProxy} ({@code proxy_yahoo}); a known scanner or
 * HTTP library ({@code scanner}); within the window after the email was prepared ({@code
 * too_soon}); within the window after a machine fetch of the same email ({@code burst}: scanners
 * fetch the pixel and every link at once).
 */
public final class MachineOpens {

  private static final List<String> SCANNERS =
      List.of(
          "barracuda",
          "proofpoint",
          "mimecast",
          "safelinks",
          "python-requests",
          "python-urllib",
          "curl/",
          "wget/",
          "go-http-client",
          "java/",
          "java-http-client",
          "okhttp",
          "headlesschrome",
          "phantomjs",
          "bingpreview",
          "googlebot",
          "bot/",
          "spider",
          "crawler");

  private MachineOpens() {}

  /**
   * Why this fetch is a machine's, or empty for a person.
   *
   * @param userAgent the request's {@code User-Agent}, may be null
   * @param preparedAt when the email was prepared for tracking (just before it was sent)
   * @param lastMachineAt the latest machine fetch of the same email so far, or null
   * @param window how soon after preparation or a machine fetch a fetch counts as a machine's
   */
  public static Optional<String> reason(
      String userAgent, Instant preparedAt, Instant lastMachineAt, Instant now, Duration window) {
    String agent = userAgent == null ? "" : userAgent.strip();
    if (agent.isEmpty()) {
      return Optional.of("no_user_agent");
    }
    if (agent.equals("Mozilla/5.0")) {
      return Optional.of("proxy_apple");
    }
    if (agent.contains("GoogleImageProxy")) {
      return Optional.of("proxy_google");
    }
    if (agent.contains("YahooMailProxy")) {
      return Optional.of("proxy_yahoo");
    }
    String lower = agent.toLowerCase(Locale.ROOT);
    if (SCANNERS.stream().anyMatch(lower::contains)) {
      return Optional.of("scanner");
    }
    if (now.isBefore(preparedAt.plus(window))) {
      return Optional.of("too_soon");
    }
    if (lastMachineAt != null && now.isBefore(lastMachineAt.plus(window))) {
      return Optional.of("burst");
    }
    return Optional.empty();
  }
}
