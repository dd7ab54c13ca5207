package io.mailbridge.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the body parts of a multipart's raw content by its boundary lines (RFC 2046 5.1.1), as
 * offsets into the message's bytes: a line scan in place of Jakarta Mail's boundary search, which
 * re-reads the content through a stream a few bytes at a time and was most of a captured email's
 * read when it carried a large attachment.
 */
final class MimeBoundaries {

  /** One body part: its bytes, headers and content, from {@code start} up to {@code end}. */
  record Range(int start, int end) {}

  private MimeBoundaries() {}

  /**
   * The parts between {@code from} and {@code to} delimited by {@code boundary}; empty when no
   * delimiter line is there (a caller then leaves the content to Jakarta Mail).
   *
   * <p>A delimiter is a line that starts with {@code --boundary} and has nothing after it but
   * spaces or tabs, or {@code --} (the close delimiter); the line break before it belongs to it,
   * not to the part. What precedes the first delimiter (the preamble) and follows the close
   * delimiter (the epilogue) is no part; a close delimiter that is missing ends the last part at
   * the end of the content, as Jakarta Mail reads it by default.
   */
  static List<Range> split(byte[] bytes, int from, int to, String boundary) {
    byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<Range> parts = new ArrayList<>();
    int partStart = -1;
    int line = from;
    while (line < to) {
      int lineBreak = indexOfLineFeed(bytes, line, to);
      int lineEnd = lineBreak < 0 ? to : lineBreak;
      int next = lineBreak < 0 ? to : lineBreak + 1;
      int delimiter = delimiter(bytes, line, lineEnd, dashBoundary);
      if (delimiter != NONE) {
        if (partStart >= 0) {
          parts.add(new Range(partStart, Math.max(partStart, contentEnd(bytes, from, line))));
        }
        if (delimiter == CLOSE) {
          return parts;
        }
        partStart = next;
      }
      line = next;
    }
    if (partStart >= 0) {
      parts.add(new Range(Math.min(partStart, to), to));
    }
    return parts;
  }

  private static final int NONE = 0;
  private static final int OPEN = 1;
  private static final int CLOSE = 2;

  private static int delimiter(byte[] bytes, int line, int lineEnd, byte[] dashBoundary) {
    int length = dashBoundary.length;
    if (lineEnd - line < length) {
      return NONE;
    }
    for (int i = 0; i < length; i++) {
      if (bytes[line + i] != dashBoundary[i]) {
        return NONE;
      }
    }
    int after = line + length;
    if (after + 2 <= lineEnd && bytes[after] == '-' && bytes[after + 1] == '-') {
      return CLOSE;
    }
    for (int i = after; i < lineEnd; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return NONE;
      }
    }
    return OPEN;
  }

  /** Where the part before the delimiter line at {@code line} ends: before its line break. */
  private static int contentEnd(byte[] bytes, int from, int line) {
    int end = line;
    if (end > from && bytes[end - 1] == '\n') {
      end--;
      if (end > from && bytes[end - 1] == '\r') {
        end--;
      }
    }
    return end;
  }

  private static int indexOfLineFeed(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
