package io.mailbridge.platform.web.boundary;

import io.mailbridge.platform.problem.BodyTooLarge;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Refuses a request body larger than its route allows before any of it is read: by its declared
 * length at once, and while it streams when no length was declared (chunked), so no request can
 * make the server buffer more than the limit.
 */
@WebFilter(filterName = "RequestBodyLimit", urlPatterns = "/*", asyncSupported = true)
public class RequestBodyLimit extends HttpFilter {

  static final String TOO_LARGE = "body_too_large";

  @Inject BodyLimits limits;

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String path =
        request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    long limit = limits.forPath(path);
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      // The container discards the unread body as it arrives; none of it is kept.
      ErrorBody.write(response, 413, TOO_LARGE, message(limit));
      return;
    }
    if (declared < 0 && request.getHeader("Transfer-Encoding") != null) {
      request = new Limited(request, limit);
    }
    try {
      chain.doFilter(request, response);
    } catch (BodyTooLarge problem) {
      // Thrown by a counting stream read outside JAX-RS, whose mapper would otherwise answer it.
      ErrorBody.write(response, 413, TOO_LARGE, problem.getMessage());
    }
  }

  static String message(long limit) {
    return "The request body is larger than this call accepts (" + limit + " bytes)";
  }

  /** A request whose body stream fails once more than the limit has been read. */
  private static final class Limited extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    Limited(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new CountingStream(super.getInputStream(), limit);
      }
      return stream;
    }
  }

  /** Counts what is read and refuses to pass the limit. */
  static final class CountingStream extends ServletInputStream {
    private final ServletInputStream in;
    private final long limit;
    private long read;

    CountingStream(ServletInputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > limit) {
        throw new BodyTooLarge(message(limit));
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
