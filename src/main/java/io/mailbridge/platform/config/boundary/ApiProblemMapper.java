package io.mailbridge.platform.config.boundary;

import io.mailbridge.platform.config.control.ApiProblem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Maps the typed failures of the control layer to their status and JSON error body. */
@Provider
public class ApiProblemMapper implements ExceptionMapper<ApiProblem> {

  @Override
  public Response toResponse(ApiProblem problem) {
    Response.ResponseBuilder response =
        problem.details().isEmpty()
            ? ApiError.response(problem.status(), problem.code(), problem.getMessage())
            : ApiError.response(
                problem.status(), problem.code(), problem.getMessage(), problem.details());
    if (problem.retryAfter() != null) {
      response.header("Retry-After", Math.max(1, problem.retryAfter().toSeconds()));
    }
    return response.build();
  }
}
