package io.mailbridge.platform.problem;

/** A request body larger than its route allows. */
public class BodyTooLarge extends ContentTooLarge {

  public BodyTooLarge(String message) {
    super("body_too_large", message);
  }
}
