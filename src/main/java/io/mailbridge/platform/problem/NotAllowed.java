package io.mailbridge.platform.problem;

/** The caller is known but may not do this (never used to hide another org's ids: see NotFound). */
public class NotAllowed extends DomainProblem {

  public NotAllowed(String message) {
    this("forbidden", message);
  }

  public NotAllowed(String code, String message) {
    super(code, message);
  }
}
