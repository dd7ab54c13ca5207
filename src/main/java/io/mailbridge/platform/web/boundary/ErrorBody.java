package io.mailbridge.platform.web.boundary;

import jakarta.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Writes the API's {@code {"error","message"}} body from servlet code, where JAX-RS and its
 * exception mappers are not involved (filters, the container's error pages).
 */
public final class ErrorBody {

  private ErrorBody() {}

  public static void write(HttpServletResponse response, int status, String error, String message)
      throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.resetBuffer();
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response
        .getWriter()
        .write(
            Json.createObjectBuilder()
                .add("error", error)
                .add("message", message)
                .build()
                .toString());
  }
}
