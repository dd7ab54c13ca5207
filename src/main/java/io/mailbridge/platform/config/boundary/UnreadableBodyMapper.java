package io.mailbridge.platform.config.boundary;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A body that is not the JSON a resource expects is the caller's mistake: 400, not 500. */
@Provider
public class UnreadableBodyMapper implements ExceptionMapper<JsonbException> {

  @Override
  public Response toResponse(JsonbException exception) {
    return Response.status(400)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new ApiError("invalid_json", "The request body is not valid JSON for this call"))
        .build();
  }
}
