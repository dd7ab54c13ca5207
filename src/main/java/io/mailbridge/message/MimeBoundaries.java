package io.mailbridge.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
    LineStartSearch search = new LineStartSearch(dashBoundary);
    List<Range> parts = new ArrayList<>();
    int partStart = -1;
    int line = search.next(bytes, from, from, to);
    while (line >= 0) {
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
      line = search.next(bytes, from, next, to);
    }
    if (partStart >= 0) {
      parts.add(new Range(Math.min(partStart, to), to));
    }
    return parts;
  }

  /**
   * Finds the next line that starts with {@code --boundary}, skipping along the content by the
   * length of {@code "\n--boundary"} where its bytes cannot be part of one (Horspool's search): a
   * base64 attachment's lines are read a few bytes in forty instead of each byte, which made
   * looking at every line the most of parsing a message with a large attachment.
   */
  private static final class LineStartSearch {
    private final byte[] dashBoundary;
    private final byte[] pattern;
    private final int[] skip = new int[256];

    LineStartSearch(byte[] dashBoundary) {
      this.dashBoundary = dashBoundary;
      this.pattern = new byte[dashBoundary.length + 1];
      pattern[0] = '\n';
      System.arraycopy(dashBoundary, 0, pattern, 1, dashBoundary.length);
      Arrays.fill(skip, pattern.length);
      for (int i = 0; i < pattern.length - 1; i++) {
        skip[pattern[i] & 0xff] = pattern.length - 1 - i;
      }
    }

    /** The start of the next such line at or after {@code at}, or -1. */
    int next(byte[] bytes, int from, int at, int to) {
      if (at == from && startsWith(bytes, at, to)) {
        return at;
      }
      int last = pattern.length - 1;
      // A line starting at {@code at} follows the line feed just before it.
      for (int i = Math.max(from, at - 1); i + last < to; ) {
        byte end = bytes[i + last];
        if (end == pattern[last] && matchesAt(bytes, i)) {
          return i + 1;
        }
        i += skip[end & 0xff];
      }
      return -1;
    }

    private boolean startsWith(byte[] bytes, int at, int to) {
      if (to - at < dashBoundary.length) {
        return false;
      }
      for (int i = 0; i < dashBoundary.length; i++) {
        if (bytes[at + i] != dashBoundary[i]) {
          return false;
        }
      }
      return true;
    }

    private boolean matchesAt(byte[] bytes, int i) {
      for (int j = 0; j < pattern.length; j++) {
        if (bytes[i + j] != pattern[j]) {
          return false;
        }
      }
      return true;
    }
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
