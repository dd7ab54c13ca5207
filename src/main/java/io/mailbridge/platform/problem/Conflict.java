package io.mailbridge.platform.problem;

/**
 * The request clashes with what is stored (a taken address, an identity linked to someone else).
 */
public class Conflict extends DomainProblem {

  public Conflict(String code, String message) {
    super(code, message);
  }
}
