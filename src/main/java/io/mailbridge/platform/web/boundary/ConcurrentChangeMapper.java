package io.mailbridge.platform.web.boundary;

import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Two changes of the same row at once: the later one is refused, nothing is overwritten. */
@Provider
public class ConcurrentChangeMapper implements ExceptionMapper<OptimisticLockException> {
  @Override
  public Response toResponse(OptimisticLockException exception) {
    return ApiError.response(
            409, "concurrent_change", "Someone changed this at the same time; reload and try again")
        .build();
  }
}
