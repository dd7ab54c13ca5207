package io.mailbridge.platform.web.boundary;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Gives the framework's own refusals (unknown path, wrong method, unreadable body) the same JSON
 * error shape as the application's.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

  @Override
  public Response toResponse(WebApplicationException exception) {
    int status = exception.getResponse().getStatus();
    String code;
    String message;
    switch (status) {
      case 400 -> {
        code = "bad_request";
        message = "The request body or parameters could not be read";
      }
      case 401 -> {
        code = "unauthorized";
        message = "Sign in first";
      }
      case 403 -> {
        code = "forbidden";
        message = "Not allowed";
      }
      case 404 -> {
        code = "not_found";
        message = "No such resource";
      }
      case 405 -> {
        code = "method_not_allowed";
        message = "This method is not allowed here";
      }
      case 406 -> {
        code = "not_acceptable";
        message = "This resource answers in JSON";
      }
      case 415 -> {
        code = "unsupported_media_type";
        message = "Send the body as application/json";
      }
      default -> {
        code = status >= 500 ? "internal_error" : "request_failed";
        message = status >= 500 ? "The server could not complete the request" : "Request failed";
      }
    }
    Response.ResponseBuilder response = ApiError.response(status, code, message);
    exception
        .getResponse()
        .getHeaders()
        .forEach(
            (name, values) -> {
              if (name.equalsIgnoreCase("Allow") || name.equalsIgnoreCase("Retry-After")) {
                values.forEach(v -> response.header(name, v));
              }
            });
    return response.build();
  }
}
