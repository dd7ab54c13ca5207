package io.mailbridge.mailbox.control;

import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.ProviderApp;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** The orgs' app registrations at Google and Microsoft, as admins set them. */
@ApplicationScoped
public class ProviderApps {

  static final int MAX_ALLOWED = 100;
  private static final int MAX_SECRET_LENGTH = 2048;

  @PersistenceContext EntityManager em;
  @Inject OAuthProviders providers;
  @Inject ProviderCredentials credentials;
  @Inject AuditLog audit;

  Clock clock = Clock.systemUTC();

  public Optional<ProviderApp> find(String orgId, MailProvider provider) {
    return em.createQuery(
            "SELECT a FROM ProviderApp a WHERE a.orgId = :org AND a.provider = :provider",
            ProviderApp.class)
        .setParameter("org", orgId)
        .setParameter("provider", provider)
        .getResultStream()
        .findFirst();
  }

  /** Every org's app at this provider (the add-in manifest names one when there is one). */
  public List<ProviderApp> allAt(MailProvider provider) {
    return em.createQuery(
            "SELECT a FROM ProviderApp a WHERE a.provider = :provider ORDER BY a.id",
            ProviderApp.class)
        .setParameter("provider", provider)
        .setMaxResults(2)
        .getResultList();
  }

  /**
   * The Microsoft app the Outlook task pane signs in with on Exchange Online: that of the org, or
   * with no org named the only one on this server. Client ids are not secret.
   */
  public Optional<String> addinClientId(String orgId) {
    if (orgId != null && !orgId.isBlank()) {
      return find(orgId.strip(), MailProvider.MICROSOFT).map(ProviderApp::clientId);
    }
    List<ProviderApp> all = allAt(MailProvider.MICROSOFT);
    return all.size() == 1 ? Optional.of(all.get(0).clientId()) : Optional.empty();
  }

  /** The app users of this org connect through; 409 when an admin has not set it up. */
  public ProviderApp required(String orgId, MailProvider provider) {
    return find(orgId, provider)
        .orElseThrow(
            () ->
                new ProviderNotConfigured(
                    provider.displayName()
                        + " is not set up for this organisation yet; an admin sets it under"
                        + " /api/admin/providers/"
                        + provider.pathName()));
  }

  /** Validates everything first, so bad settings change nothing. */
  @Transactional
  public ProviderApp update(
      String orgId, String actorUserId, MailProvider provider, ProviderAppSettings settings) {
    OAuthProvider oauth = providers.of(provider);
    String clientId = oauth.clientId(settings.clientId());
    List<String> allowed = normalizedAllowed(oauth, settings.allowed());
    String secret = settings.clientSecret();
    if (secret != null && (secret.isBlank() || secret.length() > MAX_SECRET_LENGTH)) {
      throw new InvalidField("clientSecret", "must be a non-empty string");
    }
    if (settings.privateKeyPem() != null || settings.certificatePem() != null) {
      if (provider != MailProvider.MICROSOFT) {
        throw new InvalidField(
            "certificate", "only Microsoft apps can use a certificate instead of a secret");
      }
      if (secret != null) {
        throw new InvalidField("certificate", "give a client secret or a certificate");
      }
      credentials.checkCertificate(settings.privateKeyPem(), settings.certificatePem());
    }
    Optional<ProviderApp> existing = find(orgId, provider);
    boolean hasCredential =
        secret != null
            || settings.privateKeyPem() != null
            || existing.map(a -> a.hasClientSecret() || a.hasCertificate()).orElse(false);
    if (!hasCredential) {
      throw new InvalidField(
          "clientSecret",
          "is required the first time"
              + (provider == MailProvider.MICROSOFT ? " (or a certificate)" : ""));
    }
    ProviderApp app = existing.orElseGet(() -> new ProviderApp(orgId, provider));
    app.update(
        clientId,
        secret,
        settings.privateKeyPem(),
        settings.certificatePem(),
        allowed,
        settings.connectionsBlocked(),
        clock.instant());
    if (existing.isEmpty()) {
      em.persist(app);
    }
    audit.record(
        orgId,
        actorUserId,
        "provider.update",
        app.id(),
        "changed",
        provider.displayName()
            + " app settings changed"
            + (secret != null || settings.privateKeyPem() != null ? " (new credential)" : "")
            + (settings.connectionsBlocked() ? "; new connections blocked" : ""));
    return app;
  }

  private static List<String> normalizedAllowed(OAuthProvider oauth, List<String> raw) {
    if (raw == null) {
      return List.of();
    }
    if (raw.size() > MAX_ALLOWED) {
      throw new InvalidField("allowed", "at most " + MAX_ALLOWED + " entries");
    }
    LinkedHashSet<String> entries = new LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      entries.add(oauth.allowedEntry(raw.get(i), "[" + i + "]"));
    }
    return new ArrayList<>(entries);
  }
}
