package io.mailbridge.mailbox.control;

/**
 * The consent was for an account this org does not accept (domain or tenant not allowed), or its ID
 * token did not verify. The message is for the person who tried to connect.
 */
public class AccountRefused extends Exception {

  private final String code;

  public AccountRefused(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
