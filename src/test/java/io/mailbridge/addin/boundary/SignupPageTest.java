package io.mailbridge.addin.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

/** The sign-up page's CSRF cookie: its name and attributes on HTTPS and on plain HTTP. */
class SignupPageTest {

  @Test
  void onHttpsTheCsrfCookieFollowsTheHostPrefixRules() {
    Cookie cookie = SignupPage.csrfCookie("token", true);
    assertEquals("__Host-mailbridge_signup_csrf", cookie.getName());
    assertTrue(cookie.getSecure());
    assertEquals("/", cookie.getPath());
    assertNull(cookie.getDomain());
    assertTrue(cookie.isHttpOnly());
    assertEquals("Strict", cookie.getAttribute("SameSite"));
  }

  @Test
  void onPlainHttpTheCsrfCookieHasNoPrefixBrowsersWouldRefuse() {
    Cookie cookie = SignupPage.csrfCookie("token", false);
    assertEquals("mailbridge_signup_csrf", cookie.getName());
    assertFalse(cookie.getSecure());
    assertEquals("/addin/signup", cookie.getPath());
  }
}
