package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.ImpersonatedMailboxes;
import io.mailbridge.mailbox.ews.entity.ExchangeConnection;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.outbound.control.OutboundTrust;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The org's connection to its Exchange server: validated as a whole before anything is stored (the
 * EWS host must be on the org's allow-list and pass the outbound policy, the CA bundle must hold
 * valid certificates), the password sealed and never shown again.
 */
@ApplicationScoped
public class ExchangeConnections {

  static final int MAX_USERS = 10_000;
  static final int MAX_TEXT = 256;
  static final int MAX_PASSWORD = 1024;
  private static final Pattern ADDRESS = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]{1,253}$");

  @PersistenceContext EntityManager em;
  @Inject ExchangeHosts hosts;
  @Inject OutboundHttp outbound;
  @Inject AuditLog audit;
  @Inject Event<ImpersonatedMailboxes.UsersChanged> usersChanged;
  @Inject Autodiscover autodiscover;

  Clock clock = Clock.systemUTC();

  public Optional<ExchangeConnection> find(String orgId) {
    return em.createQuery(
            "SELECT c FROM ExchangeConnection c WHERE c.orgId = :org", ExchangeConnection.class)
        .setParameter("org", orgId)
        .getResultStream()
        .findFirst();
  }

  /**
   * Validates everything first, so bad settings change nothing. With {@code autodiscoverEmail} the
   * EWS URL is found by autodiscover now, as the service account, and stored with the address.
   */
  @Transactional
  public ExchangeConnection update(
      String orgId, String actorUserId, ExchangeConnectionSettings settings) {
    String auth = settings.auth() == null ? "basic" : settings.auth().toLowerCase(Locale.ROOT);
    if (!auth.equals("basic") && !auth.equals("ntlm")) {
      throw new InvalidField("auth", "must be \"basic\" or \"ntlm\"");
    }
    String username = required(settings.username(), "username", MAX_TEXT);
    String password = settings.password();
    if (password != null && (password.isEmpty() || password.length() > MAX_PASSWORD)) {
      throw new InvalidField("password", "must be a non-empty string");
    }
    String domain = optional(settings.domain(), "domain", MAX_TEXT);
    if (auth.equals("ntlm") && domain == null) {
      throw new InvalidField("domain", "is required for NTLM (the account's Windows domain)");
    }
    List<X509Certificate> authorities =
        CaBundle.parse(settings.caBundlePem(), Date.from(clock.instant()));
    List<String> users = users(settings.users());
    Optional<ExchangeConnection> existing = find(orgId);
    if (password == null && existing.map(c -> !c.hasPassword()).orElse(true)) {
      throw new InvalidField("password", "is required the first time");
    }
    String autodiscoverEmail = null;
    URI ewsUrl;
    if (settings.autodiscoverEmail() != null) {
      if (settings.ewsUrl() != null) {
        throw new InvalidField("ewsUrl", "give ewsUrl or autodiscoverEmail, not both");
      }
      autodiscoverEmail = settings.autodiscoverEmail().strip();
      if (!ADDRESS.matcher(autodiscoverEmail).matches()) {
        throw new InvalidField("autodiscoverEmail", "is not an email address");
      }
      String secret = password != null ? password : existing.get().password();
      Autodiscover.Credential credential =
          auth.equals("ntlm")
              ? new Autodiscover.Credential(null, new NtlmAccount(domain, username, secret))
              : new Autodiscover.Credential(basicAuthorization(domain, username, secret), null);
      OutboundTrust trust =
          authorities.isEmpty() ? null : OutboundTrust.withAuthorities(authorities);
      AutodiscoverResult found;
      try {
        found = autodiscover.find(autodiscoverEmail, credential, hosts.policyFor(orgId), trust);
      } catch (AutodiscoverFailed failed) {
        throw new InvalidField(
            "autodiscoverEmail", failed.getMessage() + ": " + summary(failed.attempts()));
      }
      ewsUrl = ewsUrl(orgId, found.ewsUrl().toString(), "autodiscoverEmail");
    } else {
      ewsUrl = ewsUrl(orgId, settings.ewsUrl(), "ewsUrl");
    }
    ExchangeConnection connection = existing.orElseGet(() -> new ExchangeConnection(orgId));
    connection.update(
        ewsUrl.toString(),
        autodiscoverEmail,
        auth,
        username,
        password,
        domain,
        authorities.isEmpty() ? null : CaBundle.toPem(authorities),
        users,
        clock.instant());
    if (existing.isEmpty()) {
      em.persist(connection);
    }
    // Capture reads the choice again (and a changed account or URL) in this transaction's job.
    usersChanged.fire(new ImpersonatedMailboxes.UsersChanged(orgId, actorUserId));
    audit.record(
        orgId,
        actorUserId,
        "exchange.connection.update",
        connection.id(),
        "changed",
        "Exchange connection changed"
            + (password != null ? " (new password)" : "")
            + "; "
            + auth
            + (autodiscoverEmail != null ? "; EWS URL found by autodiscover" : "")
            + "; "
            + authorities.size()
            + " CA certificate(s)");
    return connection;
  }

  /** The attempts of a failed autodiscover, short enough for an error message. */
  static String summary(List<String> attempts) {
    String joined = String.join("; ", attempts);
    return joined.length() <= 2000 ? joined : joined.substring(0, 2000) + "…";
  }

  private URI ewsUrl(String orgId, String raw, String field) {
    if (raw == null || raw.isBlank()) {
      throw new InvalidField("ewsUrl", "is required (or autodiscoverEmail)");
    }
    URI uri;
    try {
      uri = new URI(raw.strip());
    } catch (URISyntaxException e) {
      throw new InvalidField(field, "is not a URL");
    }
    if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new InvalidField(field, "must be an absolute https:// URL without credentials");
    }
    try {
      outbound.checkDestination(uri, hosts.policyFor(orgId));
    } catch (OutboundFailure failure) {
      // A name that does not resolve yet may be fixed in DNS later; a refused one may not be saved.
      if (failure.reason() == OutboundFailure.Reason.REFUSED) {
        throw new InvalidField(
            field,
            (field.equals("ewsUrl") ? "" : "the EWS URL autodiscover found, " + uri + ": ")
                + failure.getMessage()
                + "; an admin manages the Exchange allow-list (PUT /api/admin/exchange/hosts)");
      }
    }
    return uri;
  }

  private static List<String> users(List<String> raw) {
    if (raw == null) {
      return null;
    }
    if (raw.size() > MAX_USERS) {
      throw new InvalidField("users", "at most " + MAX_USERS + " addresses");
    }
    LinkedHashSet<String> users = new LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String address = raw.get(i) == null ? "" : raw.get(i).strip().toLowerCase(Locale.ROOT);
      if (!ADDRESS.matcher(address).matches()) {
        throw new InvalidField("users[" + i + "]", "is not an email address");
      }
      users.add(address);
    }
    return new ArrayList<>(users);
  }

  private static String required(String value, String field, int max) {
    if (value == null || value.isBlank()) {
      throw new InvalidField(field, "is required");
    }
    return optional(value, field, max);
  }

  private static String optional(String value, String field, int max) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > max) {
      throw new InvalidField(field, "is longer than " + max + " characters");
    }
    return value.strip();
  }

  /** The CAs a call to this org's Exchange trusts; null when it added none (the JVM's only). */
  OutboundTrust trustOf(ExchangeConnection connection) {
    List<X509Certificate> authorities =
        connection.caBundlePem() == null
            ? List.of()
            // Stored bundles were valid when saved; one that expired since is still parsed and
            // reported by the TLS step rather than refused here.
            : CaBundle.parseStored(connection.caBundlePem());
    return authorities.isEmpty() ? null : OutboundTrust.withAuthorities(authorities);
  }

  /** How the saved service account signs in: Basic, or NTLM. */
  static Autodiscover.Credential credentialOf(ExchangeConnection connection) {
    return "ntlm".equals(connection.auth())
        ? new Autodiscover.Credential(
            null,
            new NtlmAccount(connection.domain(), connection.username(), connection.password()))
        : new Autodiscover.Credential(
            basicAuthorization(connection.domain(), connection.username(), connection.password()),
            null);
  }

  /** An EWS call to this endpoint as the saved service account (Basic or NTLM). */
  EwsCall callAs(
      ExchangeConnection connection, URI endpoint, OutboundPolicy policy, OutboundTrust trust) {
    Autodiscover.Credential credential = credentialOf(connection);
    return new EwsCall(
        endpoint, credential.authorization(), policy, trust, null, credential.ntlm());
  }

  /** The service account's Basic credential: {@code DOMAIN\\user:password}. */
  static String basicAuthorization(String domain, String username, String password) {
    String user = domain == null ? username : domain + "\\" + username;
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
