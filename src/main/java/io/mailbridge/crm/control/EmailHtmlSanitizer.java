package io.mailbridge.crm.control;

import java.util.regex.Pattern;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;
import org.owasp.html.Sanitizers;

/**
 * Makes mail HTML inert before it is stored: no scripts, event handlers, javascript: links or
 * remote images (which would tell the sender when and where the mail was read).
 */
public final class EmailHtmlSanitizer {

  private static final Pattern INLINE_IMAGE =
      Pattern.compile("^(cid:[^\\s]+|data:image/(png|gif|jpeg|webp);base64,[a-zA-Z0-9+/=\\s]+)$");

  private static final PolicyFactory POLICY =
      Sanitizers.FORMATTING
          .and(Sanitizers.BLOCKS)
          .and(Sanitizers.TABLES)
          .and(Sanitizers.STYLES)
          .and(
              new HtmlPolicyBuilder()
                  .allowElements("a")
                  .allowUrlProtocols("http", "https", "mailto")
                  .allowAttributes("href", "title")
                  .onElements("a")
                  .requireRelsOnLinks("noopener", "noreferrer", "nofollow")
                  .toFactory())
          .and(
              new HtmlPolicyBuilder()
                  .allowElements("img")
                  .allowUrlProtocols("cid", "data")
                  .allowAttributes("src")
                  .matching(INLINE_IMAGE)
                  .onElements("img")
                  .allowAttributes("alt", "width", "height")
                  .onElements("img")
                  .toFactory())
          .and(
              new HtmlPolicyBuilder()
                  .allowElements("span", "font", "hr", "br", "center")
                  .allowAttributes("color")
                  .onElements("font")
                  .toFactory());

  private EmailHtmlSanitizer() {}

  public static String sanitize(String html) {
    return html == null ? null : POLICY.sanitize(html);
  }
}
