package io.mailbridge.platform.problem;

/** A system Mailbridge called refused the request or answered something it cannot use. */
public class UpstreamFailure extends DomainProblem {

  public UpstreamFailure(String code, String message) {
    super(code, message);
  }
}
