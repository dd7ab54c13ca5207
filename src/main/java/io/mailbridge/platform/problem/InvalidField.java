package io.mailbridge.platform.problem;

/** One named field of the request is missing or wrong: {@code "<field>: <reason>"}. */
public class InvalidField extends InvalidRequest {

  private final String field;
  private final String reason;

  public InvalidField(String field, String reason) {
    super("invalid_field", field + ": " + reason);
    this.field = field;
    this.reason = reason;
  }

  public String field() {
    return field;
  }

  /** The sentence without the field's name. */
  public String reason() {
    return reason;
  }
}
