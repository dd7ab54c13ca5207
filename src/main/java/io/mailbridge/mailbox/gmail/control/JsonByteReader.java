package io.mailbridge.mailbox.gmail.control;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A UTF-8 JSON text read value by value from its bytes, for {@link GmailMessageParser}.
 *
 * <p>Gmail's base64url bodies are most of a {@code format=full} answer's bytes. A string of plain
 * ASCII without escapes, which every base64url value is, becomes a {@link String} in one copy of
 * its bytes; a character reader first decodes every byte to a char and then appends them one buffer
 * at a time, which was a fifth of the server's CPU in a Gmail backfill (GraphGmailCaptureBench's
 * profile). Anything that is not JSON is an {@link IOException}; skipped values are checked as
 * strictly as read ones, and nesting deeper than {@link #MAX_DEPTH} is refused rather than
 * followed.
 */
final class JsonByteReader {

  /**
   * Deeper than any answer Gmail documents; a deeper one is not read, so it cannot exhaust a stack.
   */
  static final int MAX_DEPTH = 200;

  private final byte[] bytes;
  private int at;

  JsonByteReader(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Reads one member's value, the reader standing on it. */
  @FunctionalInterface
  interface Member {
    void read(String name) throws IOException;
  }

  /** Reads one element of an array, the reader standing on it. */
  @FunctionalInterface
  interface Element<T> {
    T read() throws IOException;
  }

  /** Reads an object, handing each member whose value is not {@code null} to {@code member}. */
  void members(Member member) throws IOException {
    expect('{');
    if (next() == '}') {
      at++;
      return;
    }
    do {
      String name = string();
      expect(':');
      if (!skippedNull()) {
        member.read(name);
      }
    } while (comma());
    expect('}');
  }

  /** Reads an array, each element through {@code element}. */
  <T> List<T> array(Element<T> element) throws IOException {
    List<T> values = new ArrayList<>();
    expect('[');
    if (next() == ']') {
      at++;
      return values;
    }
    do {
      values.add(element.read());
    } while (comma());
    expect(']');
    return values;
  }

  /** A string's value, or a number's text (Gmail sends its 64-bit values as either). */
  String scalar() throws IOException {
    int c = next();
    if (c == '"') {
      return string();
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return number();
    }
    throw unexpected("a string or a number");
  }

  /** A string's value. */
  String string() throws IOException {
    if (next() != '"') {
      throw unexpected("a string");
    }
    int start = ++at;
    int i = start;
    while (i < bytes.length) {
      byte b = bytes[i];
      if (b == '"') {
        at = i + 1;
        return new String(bytes, start, i - start, StandardCharsets.ISO_8859_1);
      }
      if (b == '\\' || b < 0) { // an escape, or UTF-8 beyond ASCII
        return escapedString(start);
      }
      i++;
    }
    throw new IOException("The JSON text ends inside a string");
  }

  /** An int, from a number or a string holding one, as the SDK's parser reads Gmail's sizes. */
  int integer() throws IOException {
    String text = scalar();
    try {
      return new BigDecimal(text).intValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IOException("Expected a whole number that fits 32 bits", e);
    }
  }

  /** Skips one value of any kind, checking that it is JSON. */
  void skipValue() throws IOException {
    skipValue(0);
  }

  /** Whether only white space is left. */
  boolean atEnd() {
    return next() == -1;
  }

  private void skipValue(int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("The JSON text nests deeper than " + MAX_DEPTH + " levels");
    }
    switch (next()) {
      case '{' -> members(name -> skipValue(depth + 1));
      case '[' ->
          array(
              () -> {
                skipValue(depth + 1);
                return null;
              });
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> scalar();
    }
  }

  private boolean skippedNull() throws IOException {
    if (next() == 'n') {
      literal("null");
      return true;
    }
    return false;
  }

  private void literal(String word) throws IOException {
    for (int i = 0; i < word.length(); i++) {
      if (at + i >= bytes.length || bytes[at + i] != word.charAt(i)) {
        throw unexpected(word);
      }
    }
    at += word.length();
  }

  /** A number as JSON writes it: {@code -?int frac? exp?}. */
  private String number() throws IOException {
    int start = at;
    if (peekIs('-')) {
      at++;
    }
    if (!digits()) {
      throw unexpected("a number");
    }
    if (peekIs('.')) {
      at++;
      if (!digits()) {
        throw unexpected("a digit");
      }
    }
    if (peekIs('e') || peekIs('E')) {
      at++;
      if (peekIs('+') || peekIs('-')) {
        at++;
      }
      if (!digits()) {
        throw unexpected("a digit");
      }
    }
    return new String(bytes, start, at - start, StandardCharsets.ISO_8859_1);
  }

  private boolean digits() {
    int start = at;
    while (at < bytes.length && bytes[at] >= '0' && bytes[at] <= '9') {
      at++;
    }
    return at > start;
  }

  private boolean peekIs(char c) {
    return at < bytes.length && bytes[at] == c;
  }

  /** The slow way, for a string with escapes or non-ASCII characters: runs decoded as UTF-8. */
  private String escapedString(int start) throws IOException {
    StringBuilder value = new StringBuilder();
    int run = start;
    int i = start;
    while (i < bytes.length) {
      byte b = bytes[i];
      if (b == '"') {
        value.append(new String(bytes, run, i - run, StandardCharsets.UTF_8));
        at = i + 1;
        return value.toString();
      }
      if (b != '\\') {
        i++;
        continue;
      }
      value.append(new String(bytes, run, i - run, StandardCharsets.UTF_8));
      if (i + 1 >= bytes.length) {
        break;
      }
      byte escaped = bytes[i + 1];
      i += 2;
      switch (escaped) {
        case '"', '\\', '/' -> value.append((char) escaped);
        case 'b' -> value.append('\b');
        case 'f' -> value.append('\f');
        case 'n' -> value.append('\n');
        case 'r' -> value.append('\r');
        case 't' -> value.append('\t');
        case 'u' -> {
          value.append(hex(i));
          i += 4;
        }
        default -> {
          at = i - 1;
          throw unexpected("an escape");
        }
      }
      run = i;
    }
    throw new IOException("The JSON text ends inside a string");
  }

  private char hex(int from) throws IOException {
    if (from + 4 > bytes.length) {
      throw new IOException("The JSON text ends inside a \\u escape");
    }
    int value = 0;
    for (int i = from; i < from + 4; i++) {
      int digit = Character.digit(bytes[i], 16);
      if (digit < 0) {
        at = i;
        throw unexpected("a hex digit");
      }
      value = value * 16 + digit;
    }
    return (char) value;
  }

  private void expect(char c) throws IOException {
    if (next() != c) {
      throw unexpected("'" + c + "'");
    }
    at++;
  }

  private boolean comma() {
    if (next() == ',') {
      at++;
      return true;
    }
    return false;
  }

  /** The next byte that is not white space, without taking it; -1 at the end. */
  private int next() {
    while (at < bytes.length) {
      byte b = bytes[at];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return b;
      }
      at++;
    }
    return -1;
  }

  private IOException unexpected(String wanted) {
    return new IOException(
        at >= bytes.length
            ? "The JSON text ends where " + wanted + " was expected"
            : "Expected " + wanted + " at byte " + at + " of the JSON text");
  }
}
