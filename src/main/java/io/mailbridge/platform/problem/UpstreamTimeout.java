package io.mailbridge.platform.problem;

/** A system Mailbridge called did not answer in time. */
public class UpstreamTimeout extends DomainProblem {

  public UpstreamTimeout(String code, String message) {
    super(code, message);
  }
}
