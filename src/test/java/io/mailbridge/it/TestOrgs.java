package io.mailbridge.it;

import io.mailbridge.platform.security.control.Orgs;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AppUser;
import io.mailbridge.platform.security.entity.Org;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;

/** Makes orgs and users with unique addresses through the real services, for in-container tests. */
@ApplicationScoped
public class TestOrgs {

  public static final String PASSWORD = "a long enough test password";

  @Inject Orgs orgs;
  @Inject Users users;

  /** An org with one admin; returns the admin. */
  public AppUser orgWithAdmin(String label) {
    Org org = orgs.create(label + " " + UUID.randomUUID());
    return user(org.id(), "ADMIN", label);
  }

  public AppUser user(String orgId, String role, String label) {
    return users.create(
        orgId, new Users.NewUser(uniqueEmail(label), label + " person", role, PASSWORD));
  }

  public static String uniqueEmail(String label) {
    return label.toLowerCase().replaceAll("[^a-z0-9]", "")
        + "-"
        + UUID.randomUUID().toString().substring(0, 8)
        + "@it.example";
  }
}
