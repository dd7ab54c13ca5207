package io.mailbridge.platform.web.boundary;

import io.mailbridge.platform.problem.DomainProblem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** The one place typed domain failures become HTTP answers, through {@link ErrorAnswer}. */
@Provider
public class DomainProblemMapper implements ExceptionMapper<DomainProblem> {

  @Override
  public Response toResponse(DomainProblem problem) {
    ErrorAnswer answer = ErrorAnswer.of(problem);
    Response.ResponseBuilder response =
        problem.details().isEmpty()
            ? ApiError.response(answer.status(), problem.code(), answer.message())
            : ApiError.response(
                answer.status(), problem.code(), answer.message(), problem.details());
    if (answer.retryAfterSeconds() != null) {
      response.header("Retry-After", answer.retryAfterSeconds());
    }
    return response.build();
  }
}
