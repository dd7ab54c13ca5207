package io.mailbridge.platform.security.control;

import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.security.entity.Org;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * On first start with an empty database, creates the first org and its admin from {@code
 * mailbridge.bootstrap.admin-email} / {@code -password}; there is no default password.
 */
@ApplicationScoped
public class FirstAdmin {

  private static final Logger LOG = Logger.getLogger(FirstAdmin.class.getName());

  @Inject Orgs orgs;
  @Inject Users users;
  @Inject MailbridgeSettings settings;

  @Transactional
  public void createIfNoOrgExists() {
    if (orgs.anyExists()) {
      return;
    }
    Optional<String> email = settings.value("mailbridge.bootstrap.admin-email");
    Optional<String> password = settings.value("mailbridge.bootstrap.admin-password");
    if (email.isEmpty() || password.isEmpty()) {
      LOG.warning(
          "The database has no org yet. Set MAILBRIDGE_BOOTSTRAP_ADMIN_EMAIL and"
              + " MAILBRIDGE_BOOTSTRAP_ADMIN_PASSWORD and restart to create the first admin.");
      return;
    }
    try {
      Org org =
          orgs.create(settings.value("mailbridge.bootstrap.org-name").orElse("My organisation"));
      users.create(
          org.id(), new Users.NewUser(email.get(), "Administrator", "ADMIN", password.get()), null);
      LOG.info("Created the first org and its admin account from the bootstrap settings");
    } catch (DomainProblem invalid) {
      throw new IllegalStateException(
          "The bootstrap admin settings are not usable: " + invalid.getMessage());
    }
  }
}
