package io.mailbridge.productivity.boundary;

import jakarta.servlet.http.HttpServletRequest;

/** Reads the token of a tracking URL ({@code /t/o/{token}}, {@code /t/c/{token}}). */
final class TrackingPaths {

  private TrackingPaths() {}

  /** The one path segment after the servlet's prefix, or null when there is not exactly one. */
  static String token(HttpServletRequest request) {
    String info = request.getPathInfo();
    if (info == null || info.length() < 2 || info.indexOf('/', 1) >= 0) {
      return null;
    }
    return info.substring(1);
  }
}
