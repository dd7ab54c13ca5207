package io.mailbridge.crm.control;

import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailMessage;
import java.util.List;

/**
 * An email activity's JSON document, written straight into one buffer sized for its bodies. The
 * same text Parsson's {@code JsonObject.toString()} gives (fields in this order, absent values as
 * null, Parsson's escapes), without its per-character escaping through a generator: that was a
 * sixteenth of the server's CPU in a Gmail capture backfill, whose bodies run to 200 KB.
 */
final class EmailDocument {

  private EmailDocument() {}

  /** The document of a message whose HTML body was already sanitized. */
  static String of(MailMessage m, String sanitizedHtml) {
    StringBuilder out =
        new StringBuilder(512 + length(m.subject()) + length(m.textBody()) + length(sanitizedHtml));
    out.append('{');
    member(out, "provider", m.provider());
    member(out, "providerItemId", m.providerItemId());
    member(out, "internetMessageId", m.internetMessageId());
    member(out, "threadId", m.threadId());
    member(out, "subject", m.subject());
    field(out, "from");
    if (m.from() == null) {
      out.append("null");
    } else {
      address(out, m.from());
    }
    out.append(',');
    addresses(out, "to", m.to());
    addresses(out, "cc", m.cc());
    addresses(out, "bcc", m.bcc());
    member(out, "sentAt", m.sentAt() == null ? null : m.sentAt().toString());
    member(out, "receivedAt", m.receivedAt() == null ? null : m.receivedAt().toString());
    member(out, "bodyText", m.textBody());
    member(out, "bodyHtml", sanitizedHtml);
    field(out, "size");
    out.append(m.size()).append('}');
    return out.toString();
  }

  private static int length(String text) {
    return text == null ? 0 : text.length() + text.length() / 32;
  }

  /** A string member and the comma after it. */
  private static void member(StringBuilder out, String name, String value) {
    field(out, name);
    string(out, value);
    out.append(',');
  }

  private static void field(StringBuilder out, String name) {
    out.append('"').append(name).append("\":");
  }

  /** A member listing addresses, and the comma after it. */
  private static void addresses(StringBuilder out, String name, List<MailAddress> addresses) {
    field(out, name);
    out.append('[');
    for (int i = 0; i < addresses.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      address(out, addresses.get(i));
    }
    out.append("],");
  }

  private static void address(StringBuilder out, MailAddress address) {
    out.append('{');
    member(out, "email", address.email());
    field(out, "name");
    string(out, address.name());
    out.append('}');
  }

  /**
   * A JSON string, or null; runs that need no escape are copied whole. Escaped as Parsson does: the
   * quote, the backslash and the short forms of control characters, other control characters as
   * {@code \}{@code u00xx}; nothing else (not {@code /}, not non-ASCII).
   */
  private static void string(StringBuilder out, String text) {
    if (text == null) {
      out.append("null");
      return;
    }
    out.append('"');
    int run = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(text, run, i);
      run = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    out.append(text, run, text.length()).append('"');
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();
}
