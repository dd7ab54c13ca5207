package io.mailbridge.platform.security.control;

import io.mailbridge.platform.config.control.ApiProblem;
import io.mailbridge.platform.security.entity.Role;
import jakarta.enterprise.context.RequestScoped;

/** The signed-in user of the current request, as checked against the database. */
@RequestScoped
public class Caller {

  private String userId;
  private String orgId;
  private Role role;

  public void signedIn(String userId, String orgId, Role role) {
    this.userId = userId;
    this.orgId = orgId;
    this.role = role;
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
      throw ApiProblem.unauthorized("unauthorized", "Sign in first");
    }
    return value;
  }
}
