package io.mailbridge.it;

import io.mailbridge.crm.control.Records;
import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.security.control.Orgs;
import io.mailbridge.platform.security.control.Users;
import io.mailbridge.platform.security.entity.AppUser;
import io.mailbridge.platform.security.entity.Org;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.util.UUID;

/**
 * The suite's one org fixture: orgs, users with unique addresses and contacts, made through the
 * real services for in-container tests. Every test makes its own org, so none sees another's rows.
 */
@ApplicationScoped
public class TestOrgs {

  public static final String PASSWORD = "a long enough test password";

  @Inject Orgs orgs;
  @Inject Users users;
  @Inject Records records;

  /** An org of its own with an admin and a rep, both signed in. */
  public record SignedInOrg(AppUser admin, String adminToken, AppUser rep, String repToken) {
    public String orgId() {
      return admin.orgId();
    }
  }

  /** A fresh org with its admin and a rep, both signed in through {@code api}. */
  public SignedInOrg signedIn(String label, ApiClient api) {
    AppUser admin = orgWithAdmin(label);
    AppUser rep = user(admin.orgId(), "USER", label + " rep");
    return new SignedInOrg(
        admin,
        api.accessToken(admin.email(), PASSWORD),
        rep,
        api.accessToken(rep.email(), PASSWORD));
  }

  /** A contact of the org through the CRM's own service; {@code email} may be null. */
  public String contact(String orgId, String firstName, String lastName, String email) {
    JsonObjectBuilder fields = Json.createObjectBuilder().add("lastName", lastName);
    if (firstName != null) {
      fields.add("firstName", firstName);
    }
    if (email != null) {
      fields.add("emails", Json.createArrayBuilder().add(email));
    }
    return records.create(orgId, RecordType.CONTACTS, fields.build(), null).getString("id");
  }

  /** An org with one admin; returns the admin. */
  public AppUser orgWithAdmin(String label) {
    Org org = orgs.create(label + " " + UUID.randomUUID());
    return user(org.id(), "ADMIN", label);
  }

  public AppUser user(String orgId, String role, String label) {
    return users.create(
        orgId, new Users.NewUser(uniqueEmail(label), label + " person", role, PASSWORD), null);
  }

  public static String uniqueEmail(String label) {
    return label.toLowerCase().replaceAll("[^a-z0-9]", "")
        + "-"
        + UUID.randomUUID().toString().substring(0, 8)
        + "@it.example";
  }
}
