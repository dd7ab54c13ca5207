package io.mailbridge.it.providers;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gmail's batch endpoint ({@code POST /batch/gmail/v1},
 * developers.google.com/gmail/api/guides/batch): a {@code multipart/mixed} body whose {@code
 * application/http} parts are whole HTTP requests, each run as if it had come alone (its own quota
 * units, its own call count) and answered as a whole HTTP response in a part of a {@code
 * multipart/mixed} answer, {@code Content-ID: <response-…>} for a request part's {@code <…>}. The
 * outer request's headers apply to every call except where the call sets its own; more than 100
 * calls are refused with 400. A call's target may be a path, as the guide writes it, or a whole
 * URL, as Google's Java client sends it.
 */
final class GoogleBatch {

  static final String PATH = "/google/batch/gmail/v1";

  /** Google's most calls in one batch. */
  static final int MOST_CALLS = 100;

  private static final Pattern BOUNDARY =
      Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);

  /** Runs one call of the batch as a request of its own. */
  @FunctionalInterface
  interface Calls {
    void run(HttpExchange call) throws IOException;
  }

  private final Calls calls;
  private final List<String> log;

  /** Runs each call through {@code calls}; notes each batch's calls in {@code log}. */
  GoogleBatch(Calls calls, List<String> log) {
    this.calls = calls;
    this.log = log;
  }

  void handle(HttpExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    Matcher boundary = type == null ? null : BOUNDARY.matcher(type);
    if (!"POST".equals(exchange.getRequestMethod())
        || boundary == null
        || !type.toLowerCase(Locale.ROOT).startsWith("multipart/mixed")
        || !boundary.find()) {
      FakeHttp.send(
          exchange,
          400,
          FakeHttp.googleError(400, "A batch is a multipart/mixed POST.", "INVALID_ARGUMENT"));
      return;
    }
    byte[] body = FakeHttp.requestBody(exchange).readAllBytes();
    List<byte[]> parts = parts(body, boundary.group(1));
    if (parts.isEmpty() || parts.size() > MOST_CALLS) {
      FakeHttp.send(
          exchange,
          400,
          FakeHttp.googleError(
              400,
              "A batch holds from 1 to " + MOST_CALLS + " calls, not " + parts.size() + ".",
              "INVALID_ARGUMENT"));
      return;
    }
    List<Call> batch = new ArrayList<>();
    for (byte[] part : parts) {
      batch.add(Call.of(part, exchange));
    }
    log.add(String.join("\n", batch.stream().map(c -> c.method + " " + c.uri).toList()));
    String answerBoundary = "batch_" + UUID.randomUUID().toString().replace("-", "");
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    for (Call call : batch) {
      calls.run(call);
      write(answer, "--" + answerBoundary + "\r\n");
      write(answer, "Content-Type: application/http\r\n");
      if (call.contentId != null) {
        write(answer, "Content-ID: <response-" + call.contentId + ">\r\n");
      }
      write(answer, "\r\n");
      call.writeAnswer(answer);
      write(answer, "\r\n");
    }
    write(answer, "--" + answerBoundary + "--\r\n");
    byte[] bytes = answer.toByteArray();
    exchange
        .getResponseHeaders()
        .set("Content-Type", "multipart/mixed; boundary=" + answerBoundary);
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** The parts between the boundary's lines, each without the line break that ends it. */
  static List<byte[]> parts(byte[] body, String boundary) {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    String delimiter = "--" + boundary;
    List<byte[]> parts = new ArrayList<>();
    int at = text.indexOf(delimiter);
    while (at >= 0) {
      int start = at + delimiter.length();
      if (text.startsWith("--", start)) {
        break; // the closing delimiter
      }
      start = text.indexOf('\n', start) + 1;
      int next = text.indexOf("\n" + delimiter, start);
      if (start == 0 || next < 0) {
        break;
      }
      int end = next > start && text.charAt(next - 1) == '\r' ? next - 1 : next;
      parts.add(text.substring(start, end).getBytes(StandardCharsets.ISO_8859_1));
      at = next + 1;
    }
    return parts;
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** One call of a batch, run by the fake's router as a request of its own. */
  private static final class Call extends HttpExchange {
    private final HttpExchange batch;
    private final String method;
    private final URI uri;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final InputStream requestBody;
    private final ByteArrayOutputStream responseBody = new ByteArrayOutputStream();
    private final String contentId;
    private int status = -1;

    private Call(
        HttpExchange batch,
        String method,
        URI uri,
        Headers headers,
        byte[] body,
        String contentId) {
      this.batch = batch;
      this.method = method;
      this.uri = uri;
      this.requestHeaders.putAll(headers);
      this.requestBody = new ByteArrayInputStream(body);
      this.contentId = contentId;
    }

    /**
     * A part: its own headers (Content-ID kept), a blank line, then the call's request line,
     * headers, blank line and body.
     */
    static Call of(byte[] part, HttpExchange batch) {
      String text = new String(part, StandardCharsets.ISO_8859_1);
      String[] sections = text.split("\r?\n\r?\n", 3);
      String contentId = null;
      for (String line : sections[0].split("\r?\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-id:")) {
          contentId = line.substring("content-id:".length()).strip().replaceAll("^<|>$", "");
        }
      }
      String[] lines = (sections.length > 1 ? sections[1] : "").split("\r?\n");
      String[] requestLine = lines[0].split(" ");
      Headers headers = new Headers();
      for (Map.Entry<String, List<String>> outer : batch.getRequestHeaders().entrySet()) {
        if (!outer.getKey().toLowerCase(Locale.ROOT).startsWith("content-")) {
          headers.put(outer.getKey(), new ArrayList<>(outer.getValue()));
        }
      }
      List<String> own = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          String name = lines[i].substring(0, colon).strip();
          if (!own.contains(name.toLowerCase(Locale.ROOT))) {
            own.add(name.toLowerCase(Locale.ROOT));
            headers.remove(name);
          }
          headers.add(name, lines[i].substring(colon + 1).strip());
        }
      }
      URI target = URI.create(requestLine.length > 1 ? requestLine[1] : "/");
      // A path is Google's (gmail.googleapis.com/gmail/v1/…); the fake serves Google under /google.
      String pathAndQuery =
          target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
      URI uri =
          URI.create(
              target.isAbsolute() || pathAndQuery.startsWith("/google/")
                  ? pathAndQuery
                  : "/google" + pathAndQuery);
      byte[] body =
          sections.length > 2 ? sections[2].getBytes(StandardCharsets.ISO_8859_1) : new byte[0];
      return new Call(batch, requestLine[0], uri, headers, body, contentId);
    }

    /** The call's whole HTTP answer: status line, headers, blank line, body. */
    void writeAnswer(OutputStream out) throws IOException {
      int code = status < 0 ? 500 : status;
      write(out, "HTTP/1.1 " + code + " " + reason(code) + "\r\n");
      byte[] body = responseBody.toByteArray();
      for (Map.Entry<String, List<String>> header : responseHeaders.entrySet()) {
        if (!header.getKey().equalsIgnoreCase("Content-Length")) {
          for (String value : header.getValue()) {
            write(out, header.getKey() + ": " + value + "\r\n");
          }
        }
      }
      write(out, "Content-Length: " + body.length + "\r\n\r\n");
      out.write(body);
    }

    private static String reason(int code) {
      return switch (code) {
        case 200 -> "OK";
        case 204 -> "No Content";
        case 400 -> "Bad Request";
        case 401 -> "Unauthorized";
        case 403 -> "Forbidden";
        case 404 -> "Not Found";
        case 429 -> "Too Many Requests";
        default -> "Error";
      };
    }

    @Override
    public Headers getRequestHeaders() {
      return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
      return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
      return uri;
    }

    @Override
    public String getRequestMethod() {
      return method;
    }

    @Override
    public HttpContext getHttpContext() {
      return batch.getHttpContext();
    }

    @Override
    public void close() {
      // The batch's answer is written once every call has run.
    }

    @Override
    public InputStream getRequestBody() {
      return requestBody;
    }

    @Override
    public OutputStream getResponseBody() {
      return responseBody;
    }

    @Override
    public void sendResponseHeaders(int code, long length) {
      status = code;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
      return batch.getRemoteAddress();
    }

    @Override
    public int getResponseCode() {
      return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
      return batch.getLocalAddress();
    }

    @Override
    public String getProtocol() {
      return "HTTP/1.1";
    }

    @Override
    public Object getAttribute(String name) {
      return batch.getAttribute(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
      batch.setAttribute(name, value);
    }

    @Override
    public void setStreams(InputStream in, OutputStream out) {
      throw new UnsupportedOperationException("a batch call's streams are its own");
    }

    @Override
    public com.sun.net.httpserver.HttpPrincipal getPrincipal() {
      return batch.getPrincipal();
    }
  }
}
