package io.mailbridge.productivity.control;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Rewrites the web links of an email's HTML to tracked ones and adds the open pixel. Only the
 * {@code href} of {@code <a>} tags whose target is an absolute {@code http(s)} URL changes; every
 * other byte of the HTML stays as the rep wrote it (no re-serialisation that could break what
 * Outlook or Gmail composed). The same URL twice is one link.
 */
public final class TrackedLinks {

  static final int MAX_LINKS = 200;
  static final int MAX_URL = 2048;

  private TrackedLinks() {}

  /** The rewritten HTML and the original link targets, by link number. */
  public record Rewritten(String html, List<String> links) {}

  /**
   * @param clickUrl the tracked URL of link number n (already safe to put in an attribute)
   * @param pixelUrl the open pixel's URL (likewise)
   */
  public static Rewritten rewrite(String html, IntFunction<String> clickUrl, String pixelUrl) {
    Map<String, Integer> numbers = new LinkedHashMap<>();
    StringBuilder out = new StringBuilder(html.length() + 256);
    int copied = 0;
    int at = 0;
    while ((at = html.indexOf('<', at)) >= 0) {
      if (!isAnchorStart(html, at)) {
        at++;
        continue;
      }
      Tag tag = Tag.read(html, at + 2);
      if (tag.hrefStart >= 0) {
        String target = trackable(decode(tag.hrefValue));
        Integer n = target == null ? null : numbers.get(target);
        if (target != null && n == null && numbers.size() < MAX_LINKS) {
          n = numbers.size();
          numbers.put(target, n);
        }
        if (n != null) {
          out.append(html, copied, tag.hrefStart).append('"').append(clickUrl.apply(n)).append('"');
          copied = tag.hrefEnd;
        }
      }
      at = tag.end;
    }
    out.append(html, copied, html.length());
    String pixel =
        "<img src=\""
            + pixelUrl
            + "\" width=\"1\" height=\"1\" alt=\"\" style=\"border:0;width:1px;height:1px\">";
    int body = out.toString().toLowerCase(Locale.ROOT).lastIndexOf("</body");
    if (body >= 0) {
      out.insert(body, pixel);
    } else {
      out.append(pixel);
    }
    return new Rewritten(out.toString(), new ArrayList<>(numbers.keySet()));
  }

  private static boolean isAnchorStart(String html, int at) {
    if (at + 2 >= html.length() || Character.toLowerCase(html.charAt(at + 1)) != 'a') {
      return false;
    }
    char next = html.charAt(at + 2);
    return Character.isWhitespace(next) || next == '/' || next == '>';
  }

  /** The attributes of one tag, as far as link rewriting needs them. */
  private static final class Tag {
    int hrefStart = -1; // where the href value (with its quotes) starts
    int hrefEnd = -1;
    String hrefValue;
    int end;

    static Tag read(String html, int from) {
      Tag tag = new Tag();
      int i = from;
      int n = html.length();
      while (i < n) {
        char c = html.charAt(i);
        if (c == '>') {
          tag.end = i + 1;
          return tag;
        }
        if (Character.isWhitespace(c) || c == '/') {
          i++;
          continue;
        }
        int nameStart = i;
        while (i < n
            && !Character.isWhitespace(html.charAt(i))
            && "=>/".indexOf(html.charAt(i)) < 0) {
          i++;
        }
        String name = html.substring(nameStart, i);
        while (i < n && Character.isWhitespace(html.charAt(i))) {
          i++;
        }
        if (i >= n || html.charAt(i) != '=') {
          continue; // an attribute without a value
        }
        i++;
        while (i < n && Character.isWhitespace(html.charAt(i))) {
          i++;
        }
        int valueStart = i;
        String value;
        if (i < n && (html.charAt(i) == '"' || html.charAt(i) == '\'')) {
          char quote = html.charAt(i);
          int close = html.indexOf(quote, i + 1);
          if (close < 0) {
            return new Tag().endAt(n); // unterminated: leave the rest alone
          }
          value = html.substring(i + 1, close);
          i = close + 1;
        } else {
          while (i < n && !Character.isWhitespace(html.charAt(i)) && html.charAt(i) != '>') {
            i++;
          }
          value = html.substring(valueStart, i);
        }
        if (name.equalsIgnoreCase("href") && tag.hrefStart < 0) {
          tag.hrefStart = valueStart;
          tag.hrefEnd = i;
          tag.hrefValue = value;
        }
      }
      return new Tag().endAt(n);
    }

    private Tag endAt(int position) {
      this.end = position;
      return this;
    }
  }

  /** The URL if it is one to track: absolute http(s) with a host, of sensible length. */
  static String trackable(String raw) {
    String url = raw.strip();
    if (url.isEmpty() || url.length() > MAX_URL) {
      return null;
    }
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      return null;
    }
    try {
      URI uri = new URI(url);
      return uri.getHost() == null ? null : url;
    } catch (URISyntaxException e) {
      return null; // not a URL a browser would agree on; leave the link as it was
    }
  }

  /** The attribute value as the browser reads it: character references decoded. */
  static String decode(String value) {
    if (value.indexOf('&') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      int semi = c == '&' ? value.indexOf(';', i) : -1;
      if (semi > i && semi - i <= 10) {
        String ref = value.substring(i + 1, semi);
        String decoded = reference(ref);
        if (decoded != null) {
          out.append(decoded);
          i = semi + 1;
          continue;
        }
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  private static String reference(String ref) {
    switch (ref) {
      case "amp":
        return "&";
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "quot":
        return "\"";
      case "apos":
        return "'";
      default:
        break;
    }
    try {
      if (ref.startsWith("#x") || ref.startsWith("#X")) {
        return new String(Character.toChars(Integer.parseInt(ref.substring(2), 16)));
      }
      if (ref.startsWith("#")) {
        return new String(Character.toChars(Integer.parseInt(ref.substring(1))));
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return null;
  }
}
