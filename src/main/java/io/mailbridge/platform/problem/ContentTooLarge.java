package io.mailbridge.platform.problem;

/** Content larger than Mailbridge accepts; it will not shrink by trying again. */
public abstract class ContentTooLarge extends DomainProblem {

  protected ContentTooLarge(String code, String message) {
    super(code, message);
  }
}
