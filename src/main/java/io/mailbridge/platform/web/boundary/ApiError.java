package io.mailbridge.platform.web.boundary;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The JSON body of every error answer: {@code {"error": code, "message": text}}. */
public record ApiError(String error, String message) {

  /** An answer with this status and this error body. */
  public static Response.ResponseBuilder response(int status, String error, String message) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ApiError(error, message));
  }

  /** The same answer with more fields after {@code error} and {@code message}. */
  public static Response.ResponseBuilder response(
      int status, String error, String message, java.util.Map<String, String> details) {
    JsonObjectBuilder body = Json.createObjectBuilder().add("error", error).add("message", message);
    details.forEach((field, value) -> body.add(field, value == null ? "" : value));
    return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body.build());
  }
}
