package io.mailbridge.platform.problem;

/** The request cannot be used as it is (unreadable JSON, a bad CSV, a host not allowed, …). */
public class InvalidRequest extends DomainProblem {

  public InvalidRequest(String code, String message) {
    super(code, message);
  }
}
