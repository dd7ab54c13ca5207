package io.mailbridge.mailbox.ews.control;

import java.util.List;
import java.util.Locale;

/**
 * Server affinity of a notification subscription: its requests ask for it ({@code
 * X-PreferServerAffinity: true}) and send back the {@code X-BackEndOverrideCookie} Exchange set on
 * the {@code Subscribe} answer, so that {@code GetStreamingEvents} and {@code GetEvents} reach the
 * mailbox server that holds the subscription.
 */
final class EwsAffinity {

  static final String COOKIE = "X-BackEndOverrideCookie";

  private volatile String cookie;

  EwsAffinity(String cookie) {
    this.cookie = cookie;
  }

  /** The cookie's value, or null before Exchange set one. */
  String cookie() {
    return cookie;
  }

  /** Keeps the cookie Exchange sets among these {@code Set-Cookie} headers, if it sets one. */
  void noteSetCookies(List<String> setCookies) {
    String found = backEndCookie(setCookies);
    if (found != null) {
      cookie = found;
    }
  }

  /** The {@code X-BackEndOverrideCookie} value among these {@code Set-Cookie} headers, or null. */
  static String backEndCookie(List<String> setCookies) {
    if (setCookies == null) {
      return null;
    }
    for (String header : setCookies) {
      String pair = header.split(";", 2)[0].strip();
      int eq = pair.indexOf('=');
      if (eq > 0
          && pair.substring(0, eq)
              .strip()
              .toLowerCase(Locale.ROOT)
              .equals(COOKIE.toLowerCase(Locale.ROOT))) {
        String value = pair.substring(eq + 1).strip();
        return value.isEmpty() ? null : value;
      }
    }
    return null;
  }
}
