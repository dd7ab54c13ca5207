package io.mailbridge.platform.security.boundary;

import io.mailbridge.platform.security.entity.AppUser;

/** A user as the API shows it. */
public record UserView(String id, String email, String displayName, String role, boolean disabled) {
  public static UserView of(AppUser user) {
    return new UserView(
        user.id(), user.email(), user.displayName(), user.role().name(), user.isDisabled());
  }
}
