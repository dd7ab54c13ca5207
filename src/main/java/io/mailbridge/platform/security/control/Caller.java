package io.mailbridge.platform.security.control;

import io.mailbridge.platform.problem.NotAuthenticated;
import io.mailbridge.platform.security.entity.Role;
import jakarta.enterprise.context.RequestScoped;

/** The signed-in user of the current request, as checked against the database. */
@RequestScoped
public class Caller {

  private String userId;
  private String orgId;
  private Role role;
  private String addinMailbox;
  private boolean throughAddin;

  public void signedIn(String userId, String orgId, Role role) {
    this.userId = userId;
    this.orgId = orgId;
    this.role = role;
  }

  /**
   * The caller came with an add-in session whose sign-in made this mailbox connection (or null).
   */
  public void signedInThroughAddin(String mailboxId) {
    this.addinMailbox = mailboxId;
    this.throughAddin = true;
  }

  /** Whether the caller came with the add-in's session cookie rather than a bearer token. */
  public boolean isThroughAddin() {
    return throughAddin;
  }

  /**
   * The mailbox connection the add-in session's sign-in made; null for other callers and for
   * sessions that made none.
   */
  public String addinMailbox() {
    return addinMailbox;
  }

  public String userId() {
    return required(userId);
  }

  public String orgId() {
    return required(orgId);
  }

  public Role role() {
    return role;
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  private static String required(String value) {
    if (value == null) {
      throw new NotAuthenticated("unauthorized", "Sign in first");
    }
    return value;
  }
}
