package io.mailbridge.platform.security.control;

import io.mailbridge.platform.startup.control.PlatformStarted;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Security's start-up work: the token signing key, then (once the data keys can be used) the first
 * org and admin on an empty database.
 */
@ApplicationScoped
public class SecurityAtStartup {

  private static final Logger LOG = Logger.getLogger(SecurityAtStartup.class.getName());

  @Inject TokenSigningKey signingKey;
  @Inject FirstAdmin firstAdmin;

  void loadSigningKey(@Observes @Priority(PlatformStarted.KEYS) PlatformStarted started) {
    signingKey.load();
  }

  void createFirstAdmin(@Observes @Priority(PlatformStarted.FIRST_ROWS) PlatformStarted started) {
    try {
      firstAdmin.createIfNoOrgExists();
    } catch (IllegalStateException e) {
      // Unusable bootstrap settings: say so, and start without a first admin.
      LOG.log(Level.SEVERE, e.getMessage());
    }
  }
}
