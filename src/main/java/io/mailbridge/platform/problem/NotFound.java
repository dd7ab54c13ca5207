package io.mailbridge.platform.problem;

/** No such thing; also the answer for another org's ids, so it never confirms that they exist. */
public class NotFound extends DomainProblem {

  public NotFound(String what) {
    super("not_found", what + " not found");
  }

  /** A thing that is known to exist but cannot be given, with its own code and sentence. */
  protected NotFound(String code, String message) {
    super(code, message);
  }
}
