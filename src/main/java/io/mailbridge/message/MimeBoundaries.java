package io.mailbridge.message;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the body parts of a multipart's raw content by its boundary lines (RFC 2046 5.1.1), as
 * offsets into the message's bytes: a search of the bytes in place of Jakarta Mail's boundary
 * search, which re-reads the content through a stream a few bytes at a time and was most of a
 * captured email's read when it carried a large attachment.
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
   * Finds the next line that starts with {@code --boundary} by looking for dashes, eight bytes at a
   * time: a base64 attachment has none, and prose few, so a large attachment is passed over in a
   * fraction of looking at each byte for line ends, which was most of parsing such a message.
   */
  private static final class LineStartSearch {
    private static final VarHandle EIGHT_BYTES =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long DASHES = 0x2D2D2D2D2D2D2D2DL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private final byte[] dashBoundary;

    LineStartSearch(byte[] dashBoundary) {
      this.dashBoundary = dashBoundary;
    }

    /** The start of the next such line at or after {@code at}, or -1. */
    int next(byte[] bytes, int from, int at, int to) {
      int i = at;
      while (true) {
        int dash = indexOfDash(bytes, i, to);
        if (dash < 0) {
          return -1;
        }
        if ((dash == from || bytes[dash - 1] == '\n') && startsWith(bytes, dash, to)) {
          return dash;
        }
        i = dash + 1;
      }
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

    /**
     * The first '-' from {@code i} on: each eight bytes are read as one number, and a byte equal to
     * '-' shows as a zero byte of it XOR eight dashes; the lowest zero byte is found exactly.
     */
    private static int indexOfDash(byte[] bytes, int i, int to) {
      for (; i + Long.BYTES <= to; i += Long.BYTES) {
        long word = (long) EIGHT_BYTES.get(bytes, i) ^ DASHES;
        long zeros = (word - ONES) & ~word & HIGH_BITS;
        if (zeros != 0) {
          return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
        }
      }
      for (; i < to; i++) {
        if (bytes[i] == '-') {
          return i;
        }
      }
      return -1;
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
