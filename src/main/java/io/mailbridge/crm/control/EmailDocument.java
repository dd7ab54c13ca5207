package io.mailbridge.crm.control;

import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * An email activity's JSON document, written as UTF-8 straight into one buffer sized for its
 * bodies: the same bytes as Parsson's {@code JsonObject.toString()} encoded as UTF-8 (fields in
 * this order, absent values as null, Parsson's escapes). Parsson's per-character generator was a
 * sixteenth of the server's CPU in a Gmail capture backfill, whose bodies run to 200 KB; escaping
 * into a {@code StringBuilder} and then encoding the text went over each body three times.
 */
final class EmailDocument {

  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** The most one character takes: a control character as {@code \}{@code u00xx}. */
  private static final int WIDEST = 6;

  private byte[] out;
  private int end;

  private EmailDocument(int expected) {
    out = new byte[expected];
  }

  /** The UTF-8 document of a message whose HTML body was already sanitized. */
  static byte[] of(MailMessage m, String sanitizedHtml) {
    EmailDocument d =
        new EmailDocument(512 + length(m.subject()) + length(m.textBody()) + length(sanitizedHtml));
    d.ascii('{');
    d.member("provider", m.provider());
    d.member("providerItemId", m.providerItemId());
    d.member("internetMessageId", m.internetMessageId());
    d.member("threadId", m.threadId());
    d.member("subject", m.subject());
    d.field("from");
    if (m.from() == null) {
      d.bytes(NULL);
    } else {
      d.address(m.from());
    }
    d.ascii(',');
    d.addresses("to", m.to());
    d.addresses("cc", m.cc());
    d.addresses("bcc", m.bcc());
    d.member("sentAt", m.sentAt() == null ? null : m.sentAt().toString());
    d.member("receivedAt", m.receivedAt() == null ? null : m.receivedAt().toString());
    d.member("bodyText", m.textBody());
    d.member("bodyHtml", sanitizedHtml);
    d.field("size");
    d.bytes(Long.toString(m.size()).getBytes(StandardCharsets.US_ASCII));
    d.ascii('}');
    return Arrays.copyOf(d.out, d.end);
  }

  private static int length(String text) {
    return text == null ? 0 : text.length() + text.length() / 16;
  }

  /** A string member and the comma after it. */
  private void member(String name, String value) {
    field(name);
    string(value);
    ascii(',');
  }

  private void field(String name) {
    ascii('"');
    bytes(name.getBytes(StandardCharsets.US_ASCII));
    ascii('"');
    ascii(':');
  }

  /** A member listing addresses, and the comma after it. */
  private void addresses(String name, List<MailAddress> addresses) {
    field(name);
    ascii('[');
    for (int i = 0; i < addresses.size(); i++) {
      if (i > 0) {
        ascii(',');
      }
      address(addresses.get(i));
    }
    ascii(']');
    ascii(',');
  }

  private void address(MailAddress address) {
    ascii('{');
    member("email", address.email());
    field("name");
    string(address.name());
    ascii('}');
  }

  /**
   * A JSON string, or null, escaped as Parsson does (the quote, the backslash and the short forms
   * of control characters, other control characters as {@code \}{@code u00xx}; nothing else, not
   * {@code /}, not non-ASCII) and encoded as {@code String.getBytes(UTF_8)} encodes: a surrogate
   * without its other half becomes {@code ?}.
   */
  private void string(String text) {
    if (text == null) {
      bytes(NULL);
      return;
    }
    ascii('"');
    int n = text.length();
    int i = 0;
    while (i < n) {
      int run = i;
      while (i < n && printable(text.charAt(i))) {
        i++;
      }
      if (i > run) {
        plain(text, run, i);
      }
      if (i < n) {
        i = special(text, i);
      }
    }
    ascii('"');
  }

  /** Printable ASCII that JSON takes as it is. */
  private static boolean printable(char c) {
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
  }

  /**
   * Copies a run of printable ASCII as it is. {@code String.getBytes(int, int, byte[], int)} keeps
   * the low byte of each character, exact for ASCII; it copies a Latin-1 string's bytes whole,
   * where writing them one by one made the email's document cost more than the database insert.
   */
  @SuppressWarnings("deprecation")
  private void plain(String text, int from, int to) {
    if (out.length - end < to - from) {
      grow(to - from + WIDEST);
    }
    text.getBytes(from, to, out, end);
    end += to - from;
  }

  /**
   * Writes the character at {@code i}, one that needs an escape or is not ASCII, and answers where
   * the next one starts (after a surrogate pair, two on).
   */
  private int special(String text, int i) {
    if (out.length - end < WIDEST) {
      grow(WIDEST + (text.length() - i));
    }
    char c = text.charAt(i);
    if (c < 0x80) {
      escape(c);
    } else if (c < 0x800) {
      out[end++] = (byte) (0xC0 | c >> 6);
      out[end++] = (byte) (0x80 | c & 0x3F);
    } else if (!Character.isSurrogate(c)) {
      out[end++] = (byte) (0xE0 | c >> 12);
      out[end++] = (byte) (0x80 | c >> 6 & 0x3F);
      out[end++] = (byte) (0x80 | c & 0x3F);
    } else if (Character.isHighSurrogate(c)
        && i + 1 < text.length()
        && Character.isLowSurrogate(text.charAt(i + 1))) {
      int cp = Character.toCodePoint(c, text.charAt(i + 1));
      out[end++] = (byte) (0xF0 | cp >> 18);
      out[end++] = (byte) (0x80 | cp >> 12 & 0x3F);
      out[end++] = (byte) (0x80 | cp >> 6 & 0x3F);
      out[end++] = (byte) (0x80 | cp & 0x3F);
      return i + 2;
    } else {
      out[end++] = '?';
    }
    return i + 1;
  }

  private void escape(char c) {
    out[end++] = '\\';
    switch (c) {
      case '"' -> out[end++] = '"';
      case '\\' -> out[end++] = '\\';
      case '\b' -> out[end++] = 'b';
      case '\f' -> out[end++] = 'f';
      case '\n' -> out[end++] = 'n';
      case '\r' -> out[end++] = 'r';
      case '\t' -> out[end++] = 't';
      default -> {
        out[end++] = 'u';
        out[end++] = '0';
        out[end++] = '0';
        out[end++] = HEX[c >> 4];
        out[end++] = HEX[c & 0xf];
      }
    }
  }

  private void ascii(char c) {
    if (end == out.length) {
      grow(1);
    }
    out[end++] = (byte) c;
  }

  private void bytes(byte[] ascii) {
    if (out.length - end < ascii.length) {
      grow(ascii.length);
    }
    System.arraycopy(ascii, 0, out, end, ascii.length);
    end += ascii.length;
  }

  private void grow(int atLeast) {
    out = Arrays.copyOf(out, Math.max(out.length * 2, end + atLeast));
  }
}
