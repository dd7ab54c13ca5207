package io.mailbridge.platform.problem;

/** Something handed out for a short while (a sign-up link) has expired or was used up. */
public class Expired extends DomainProblem {

  public Expired(String code, String message) {
    super(code, message);
  }
}
