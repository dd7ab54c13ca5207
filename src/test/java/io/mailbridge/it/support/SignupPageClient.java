package io.mailbridge.it.support;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A person on the add-in's sign-up page: opens it, and sends the form with its hidden fields. */
public final class SignupPageClient {

  public static final String CSRF_COOKIE = "mailbridge_signup_csrf";
  private static final Pattern HIDDEN =
      Pattern.compile("name=\"(ticket|csrf)\" value=\"([^\"]*)\"");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  public SignupPageClient(String base) {
    this.base = base;
  }

  public HttpResponse<String> open(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Sends the page's form with these credentials and the page's own CSRF cookie. */
  public HttpResponse<String> submit(HttpResponse<String> page, String email, String password)
      throws Exception {
    return submit(page, email, password, cookie(page, CSRF_COOKIE));
  }

  /** Sends the page's form with these credentials and the given CSRF cookie value. */
  public HttpResponse<String> submit(
      HttpResponse<String> page, String email, String password, String csrfCookie)
      throws Exception {
    return submit(page, email, password, csrfCookie, null);
  }

  /**
   * Sends the page's form with these credentials, the given CSRF cookie value and, unless null, the
   * given value in the form's {@code csrf} field instead of the page's own.
   */
  public HttpResponse<String> submit(
      HttpResponse<String> page, String email, String password, String csrfCookie, String csrfField)
      throws Exception {
    Matcher hidden = HIDDEN.matcher(page.body());
    StringBuilder form = new StringBuilder();
    while (hidden.find()) {
      String value =
          csrfField != null && hidden.group(1).equals("csrf")
              ? csrfField
              : unescape(hidden.group(2));
      form.append(hidden.group(1)).append('=').append(enc(value)).append('&');
    }
    form.append("email=").append(enc(email)).append("&password=").append(enc(password));
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/addin/signup"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Cookie", CSRF_COOKIE + "=" + csrfCookie)
            .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of a cookie the response sets. */
  public static String cookie(HttpResponse<?> response, String name) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(name.length() + 1).split(";", 2)[0])
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cookie " + name));
  }

  private static String unescape(String html) {
    return html.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
