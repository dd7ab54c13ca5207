package io.mailbridge.mailbox.gmail.control;

import com.google.api.client.http.HttpHeaders;
import com.google.api.services.gmail.model.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A batch of {@code messages.get} calls in Gmail's batch format
 * (developers.google.com/gmail/api/guides/batch), written and read here rather than through the
 * SDK's {@code BatchRequest}: that one serialises each call's request three times (once more for
 * each length it computes) and builds each call's URL by parsing it back, together a seventh of the
 * server's CPU in a Gmail capture backfill. A call is a part {@code Content-Type: application/http}
 * holding {@code GET <url>}; the batch's own headers (its {@code Authorization}) apply to every
 * call. Google answers each call in a part of a {@code multipart/mixed} answer, a whole HTTP
 * response, in any order, {@code Content-ID: <response-…>} naming the call's own {@code
 * Content-ID}.
 */
final class GmailBatch {

  /** Google's most calls in one batch. */
  static final int MOST_CALLS = 100;

  private static final Pattern BOUNDARY =
      Pattern.compile("boundary=(?:\"([^\"]+)\"|([^\\s;]+))", Pattern.CASE_INSENSITIVE);
  private static final String ITEM = "item-";

  private GmailBatch() {}

  /** The batch's body: a GET of each URL, call i named {@code <item-i>}. */
  static byte[] request(String boundary, List<String> urls) {
    if (urls.isEmpty() || urls.size() > MOST_CALLS) {
      throw new IllegalArgumentException("A batch holds from 1 to " + MOST_CALLS + " calls");
    }
    StringBuilder body = new StringBuilder(urls.size() * (urls.get(0).length() + 128));
    for (int i = 0; i < urls.size(); i++) {
      body.append("--")
          .append(boundary)
          .append("\r\nContent-Type: application/http\r\nContent-ID: <")
          .append(ITEM)
          .append(i)
          .append(">\r\n\r\nGET ")
          .append(urls.get(i))
          .append("\r\n\r\n");
    }
    body.append("--").append(boundary).append("--\r\n");
    return body.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Each call's answer, in the order of the calls: its {@link Message}, or the problem Gmail
   * answered for it; null for a call Google left unanswered. A part that names no call is matched
   * by its place. An answer that is not a batch answer, or a part that is not an HTTP response, is
   * an IOException.
   */
  static Object[] answers(byte[] body, String contentType, int calls) throws IOException {
    Matcher named = contentType == null ? null : BOUNDARY.matcher(contentType);
    if (named == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")
        || !named.find()) {
      throw new IOException("Gmail answered a batch with " + contentType + ", not multipart");
    }
    byte[] delimiter =
        ("--" + (named.group(1) != null ? named.group(1) : named.group(2)))
            .getBytes(StandardCharsets.ISO_8859_1);
    Object[] answers = new Object[calls];
    int place = 0;
    int at = delimiterAt(body, delimiter, 0);
    while (at >= 0) {
      int start = at + delimiter.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
        break; // the closing delimiter
      }
      start = lineEnd(body, start);
      int next = delimiterAt(body, delimiter, start);
      if (next < 0) {
        throw new IOException("Gmail's batch answer ends inside a part");
      }
      // The line break before a delimiter belongs to the delimiter (RFC 2046).
      int end = next > start && body[next - 1] == '\n' ? next - 1 : next;
      end = end > start && body[end - 1] == '\r' ? end - 1 : end;
      int call = answer(body, start, end, place++, answers);
      if (call < 0 || call >= calls) {
        throw new IOException("Gmail's batch answer names a call that was not asked");
      }
      at = next;
    }
    return answers;
  }

  /** Reads the part between {@code from} and {@code to} into its call's place; that place. */
  private static int answer(byte[] body, int from, int to, int place, Object[] answers)
      throws IOException {
    int call = place;
    int at = from;
    String line;
    // The part's own headers, to the blank line.
    while (!(line = line(body, at, to)).isEmpty()) {
      at = lineEnd(body, at);
      if (at >= to) {
        throw new IOException("Gmail's batch answer has a part without a response");
      }
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Content-ID")) {
        call = callNamed(line.substring(colon + 1).strip(), place);
      }
    }
    at = lineEnd(body, at);
    String status = line(body, at, to);
    at = lineEnd(body, at);
    String[] words = status.split(" ", 3);
    int code;
    try {
      code = words.length > 1 && words[0].startsWith("HTTP/") ? Integer.parseInt(words[1]) : -1;
    } catch (NumberFormatException e) {
      code = -1;
    }
    if (code < 100 || code > 599) {
      throw new IOException("Gmail's batch answer has a part that is not an HTTP response");
    }
    HttpHeaders headers = new HttpHeaders();
    while (at < to && !(line = line(body, at, to)).isEmpty()) {
      at = lineEnd(body, at);
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.set(
            line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            List.of(line.substring(colon + 1).strip()));
      }
    }
    at = Math.min(to, lineEnd(body, at));
    byte[] json = Arrays.copyOfRange(body, at, to);
    if (call >= 0 && call < answers.length) {
      answers[call] =
          code / 100 == 2
              ? GmailMessageParser.read(json)
              : GmailMailbox.problemOf(code, reason(json), headers);
    }
    return call;
  }

  /** The call a {@code Content-ID} answers ({@code <response-item-3>}), else its place. */
  private static int callNamed(String contentId, int place) {
    String id = contentId.replaceAll("^<|>$", "");
    String prefix = "response-" + ITEM;
    if (!id.startsWith(prefix)) {
      return place;
    }
    try {
      return Integer.parseInt(id.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Google's reason in an error answer ({@code {"error":{"message":…}}}); null if none. */
  private static String reason(byte[] json) {
    String[] message = new String[1];
    try {
      JsonByteReader reader = new JsonByteReader(json);
      reader.members(
          name -> {
            if (name.equals("error")) {
              reader.members(
                  field -> {
                    if (field.equals("message")) {
                      message[0] = reader.string();
                    } else {
                      reader.skipValue();
                    }
                  });
            } else {
              reader.skipValue();
            }
          });
    } catch (IOException | RuntimeException notJson) {
      return null; // the status says enough
    }
    return message[0];
  }

  /** Where the next delimiter line starts at or after {@code from}: at the start of a line. */
  private static int delimiterAt(byte[] body, byte[] delimiter, int from) {
    for (int i = from; i + delimiter.length <= body.length; i++) {
      if ((i == 0 || body[i - 1] == '\n') && body[i] == '-' && startsWith(body, i, delimiter)) {
        return i;
      }
      // Skip to the next line: a delimiter only ever starts one.
      while (i < body.length && body[i] != '\n') {
        i++;
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] body, int at, byte[] prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if (body[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Where the line after the one at {@code from} starts. */
  private static int lineEnd(byte[] body, int from) {
    int i = from;
    while (i < body.length && body[i] != '\n') {
      i++;
    }
    return Math.min(body.length, i + 1);
  }

  /** The line at {@code from}, without its line break, no further than {@code to}. */
  private static String line(byte[] body, int from, int to) {
    int end = from;
    while (end < to && body[end] != '\n') {
      end++;
    }
    if (end > from && body[end - 1] == '\r') {
      end--;
    }
    return new String(body, from, end - from, StandardCharsets.ISO_8859_1);
  }
}
