package io.mailbridge.mailbox.control;

/**
 * A token or revocation endpoint answered with an OAuth error ({@code invalid_grant}, {@code
 * invalid_client}, …). The description is the provider's, meant for an admin to read.
 */
public class TokenEndpointError extends Exception {

  private final int status;
  private final String error;
  private final String claims;

  public TokenEndpointError(int status, String error, String description) {
    this(status, error, description, null);
  }

  public TokenEndpointError(int status, String error, String description, String claims) {
    super(description == null || description.isBlank() ? error : error + ": " + description);
    this.status = status;
    this.error = error;
    this.claims = claims;
  }

  public int status() {
    return status;
  }

  /** The OAuth error code, e.g. {@code invalid_grant}. */
  public String error() {
    return error;
  }

  public boolean invalidGrant() {
    return "invalid_grant".equals(error);
  }

  /**
   * The claims challenge Entra adds when the user must first satisfy a policy (multi-factor
   * authentication, Conditional Access), for the client to pass to its next sign-in; else null.
   */
  public String claims() {
    return claims;
  }
}
