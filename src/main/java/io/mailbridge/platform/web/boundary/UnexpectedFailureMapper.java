package io.mailbridge.platform.web.boundary;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last line: anything unforeseen becomes a 500 with a reference the operator finds in the log,
 * never a stack trace in the answer.
 */
@Provider
public class UnexpectedFailureMapper implements ExceptionMapper<Exception> {

  private static final Logger LOG = Logger.getLogger(UnexpectedFailureMapper.class.getName());

  @Override
  public Response toResponse(Exception exception) {
    String reference = UUID.randomUUID().toString().substring(0, 8);
    LOG.log(Level.SEVERE, "Unexpected failure, reference " + reference, exception);
    return ApiError.response(
            500,
            "internal_error",
            "The server could not complete the request (reference " + reference + ")")
        .build();
  }
}
