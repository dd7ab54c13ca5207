package io.mailbridge.platform.problem;

/** The caller has not proved who they are, or the proof (token, password) was refused. */
public class NotAuthenticated extends DomainProblem {

  public NotAuthenticated(String code, String message) {
    super(code, message);
  }
}
