package io.mailbridge.platform.web.boundary;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Error answers produced by the container itself (a token refused by MicroProfile JWT, an unknown
 * path outside JAX-RS) get the same {@code {"error","message"}} body as the API's, not an HTML
 * page.
 */
@WebServlet(name = "ContainerErrorServlet", urlPatterns = "/_error")
public class ContainerErrorServlet extends HttpServlet {

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    int status = code instanceof Integer i ? i : 500;
    String error;
    String message;
    switch (status) {
      case 401 -> {
        error = "unauthorized";
        message = "Sign in first: the access token is missing, expired or not valid";
      }
      case 403 -> {
        error = "forbidden";
        message = "Not allowed";
      }
      case 404 -> {
        error = "not_found";
        message = "No such resource";
      }
      case 405 -> {
        error = "method_not_allowed";
        message = "This method is not allowed here";
      }
      case 413 -> {
        error = "body_too_large";
        message = "The request body is larger than this call accepts";
      }
      case 415 -> {
        error = "unsupported_media_type";
        message = "Send the body as application/json";
      }
      default -> {
        error = status >= 500 ? "internal_error" : "request_failed";
        message = status >= 500 ? "The server could not complete the request" : "Request failed";
      }
    }
    if (status == 405 && response.getHeader("Allow") == null) {
      response.setHeader("Allow", ResponseHeaders.ALLOW);
    }
    ErrorBody.write(response, status, error, message);
  }
}
