package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.ExchangeTokenMetadata;
import io.mailbridge.mailbox.ews.entity.ExchangeConnection;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundLimits;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.outbound.control.OutboundResponse;
import io.mailbridge.platform.outbound.control.OutboundTrust;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The Exchange connectivity debug tool: checks, step by step, what a connection to an org's
 * Exchange server needs (allow-list, DNS, TCP, TLS, EWS as the service account, impersonation,
 * server version, throttling), from a host or, by autodiscover, from an email address, and says for
 * each red step what to fix. Every request goes through the outbound policy of the org (with an
 * identity token, its metadata URL too), so the tool cannot be pointed anywhere the org may not
 * reach; a step that fails ends the report, as the ones after it depend on it.
 */
@ApplicationScoped
public class ExchangeDiagnosis {

  static final String EWS_PATH = "/EWS/Exchange.asmx";
  private static final OutboundCall TLS_CHECK = new OutboundCall("ews", "diagnose_tls");
  private static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  @Inject ExchangeHosts hosts;
  @Inject ExchangeConnections connections;
  @Inject OutboundHttp outbound;
  @Inject EwsClient ews;
  @Inject Autodiscover autodiscovery;
  @Inject ExchangeTokenMetadata tokenMetadata;

  @Inject
  @ConfigProperty(name = "mailbridge.ews.diagnose-timeout", defaultValue = "PT10S")
  Duration timeout;

  Clock clock = Clock.systemUTC();

  /** Runs the diagnosis for the org; {@code host} may be {@code name} or {@code name:port}. */
  public List<DiagnosisStep> diagnose(
      String orgId, String host, String email, String identityToken, String impersonate) {
    Optional<ExchangeConnection> connection = connections.find(orgId);
    OutboundPolicy policy = hosts.policyFor(orgId);
    List<DiagnosisStep> steps = new ArrayList<>();
    Optional<OutboundTrust> trust = connection.map(connections::trustOf);
    URI ewsUrl;
    if ((host == null || host.isBlank()) && email != null) {
      Optional<URI> found = autodiscover(email, connection, policy, trust.orElse(null), steps);
      if (found.isEmpty()) {
        return steps;
      }
      ewsUrl = found.get();
    } else {
      ewsUrl = target(host, connection);
    }
    String name = OutboundHttp.hostOf(ewsUrl);
    int port = ewsUrl.getPort() != -1 ? ewsUrl.getPort() : isHttps(ewsUrl) ? 443 : 80;

    Optional<HostRule> rule = policy.ruleFor(name);
    if (rule.isEmpty()) {
      steps.add(
          DiagnosisStep.red(
              "allow-list",
              name + " is not on this organisation's Exchange allow-list; nothing was sent to it",
              "If this is your Exchange server, add it with PUT /api/admin/exchange/hosts"));
      return steps;
    }
    if (!isHttps(ewsUrl) && !rule.get().plainHttp()) {
      steps.add(
          DiagnosisStep.red(
              "allow-list",
              ewsUrl + " is plain HTTP, which the allow-list does not allow for " + name,
              "Use https:// for the EWS URL"));
      return steps;
    }
    steps.add(DiagnosisStep.green("allow-list", name + " is on the Exchange allow-list"));

    List<InetAddress> addresses;
    try {
      addresses = outbound.addressesOf(ewsUrl, policy);
      steps.add(
          DiagnosisStep.green(
              "dns",
              name
                  + " resolves to "
                  + addresses.stream()
                      .map(InetAddress::getHostAddress)
                      .collect(Collectors.joining(", "))));
    } catch (OutboundFailure failure) {
      steps.add(
          DiagnosisStep.red(
              "dns",
              failure.getMessage(),
              failure.reason() == OutboundFailure.Reason.REFUSED
                  ? "Exchange on a private network needs privateAddress for this host on the"
                      + " allow-list, which the server's operator must permit first"
                      + " (mailbridge.outbound.allow-private-addresses)"
                  : "Check the host name and the DNS this server uses"));
      return steps;
    }

    Optional<DiagnosisStep> tcp = tcp(addresses, port);
    steps.add(tcp.orElseThrow());
    if (!tcp.get().ok()) {
      return steps;
    }

    DiagnosisStep tls = tls(ewsUrl, policy, trust.orElse(null));
    steps.add(tls);
    if (!tls.ok()) {
      return steps;
    }

    if (identityToken != null) {
      // Not a prerequisite of EWS: the report goes on whatever it finds.
      ExchangeTokenMetadata.Finding finding =
          tokenMetadata.check(identityToken, policy, trust.orElse(null));
      steps.add(new DiagnosisStep("auth metadata", finding.ok(), finding.detail(), finding.fix()));
    }

    if (connection.isEmpty()) {
      steps.add(
          DiagnosisStep.red(
              "ews",
              "No Exchange connection is saved, so there is no service account to call EWS with",
              "Save one with PUT /api/admin/exchange/connection"));
      return steps;
    }
    EwsCall asService = connections.callAs(connection.get(), ewsUrl, policy, trust.orElse(null));
    String username = connection.get().username();
    boolean ntlm = asService.ntlm() != null;
    InboxProbe asAccount = ews.probeInbox(asService);
    steps.add(ewsStep("ews", asAccount, username, null, ntlm));
    InboxProbe asUser = null;
    if (asAccount.ok() && impersonate != null) {
      asUser = ews.probeInbox(asService.impersonating(impersonate));
      steps.add(ewsStep("impersonation", asUser, username, impersonate, ntlm));
    }
    String version =
        asUser != null && asUser.serverVersion() != null
            ? asUser.serverVersion()
            : asAccount.serverVersion();
    if (version != null) {
      steps.add(DiagnosisStep.green("server version", "Exchange " + version));
    } else if (asAccount.httpStatus() != 401 && asAccount.httpStatus() != 403) {
      steps.add(
          DiagnosisStep.red(
              "server version",
              "Exchange sent no ServerVersionInfo header",
              "Check that the EWS URL points at Exchange Web Services (" + EWS_PATH + ")"));
    }
    InboxProbe busy =
        asAccount.busy() ? asAccount : asUser != null && asUser.busy() ? asUser : null;
    if (busy != null) {
      steps.add(
          DiagnosisStep.red(
              "throttling",
              "Exchange answered ErrorServerBusy"
                  + (busy.backoff() == null || busy.backoff().isZero()
                      ? ""
                      : " and asked to back off for " + busy.backoff().toMillis() + " ms"),
              "Exchange throttles the service account: give it a throttling policy with higher"
                  + " EWS limits (New-ThrottlingPolicy / Set-ThrottlingPolicyAssociation), or"
                  + " try again later"));
    } else if (asAccount.ok()) {
      steps.add(DiagnosisStep.green("throttling", "No throttling fault came back"));
    }
    return steps;
  }

  /** The autodiscover step: the EWS URL found for this address as the service account. */
  private Optional<URI> autodiscover(
      String email,
      Optional<ExchangeConnection> connection,
      OutboundPolicy policy,
      OutboundTrust trust,
      List<DiagnosisStep> steps) {
    if (!Autodiscover.isAddress(email) || email.length() > 320) {
      throw new InvalidField("email", "is not an email address");
    }
    if (connection.isEmpty()) {
      steps.add(
          DiagnosisStep.red(
              "autodiscover",
              "No Exchange connection is saved, so there is no service account to ask"
                  + " autodiscover as",
              "Save one with PUT /api/admin/exchange/connection, or give host instead of email"));
      return Optional.empty();
    }
    try {
      AutodiscoverResult found =
          autodiscovery.find(
              email, ExchangeConnections.credentialOf(connection.get()), policy, trust);
      steps.add(
          DiagnosisStep.green(
              "autodiscover",
              found.answeredBy()
                  + " answered with the EWS URL "
                  + found.ewsUrl()
                  + "; attempts: "
                  + ExchangeConnections.summary(found.attempts())));
      return Optional.of(found.ewsUrl());
    } catch (AutodiscoverFailed failed) {
      String domain = Autodiscover.domainOf(email);
      steps.add(
          DiagnosisStep.red(
              "autodiscover",
              failed.getMessage() + ": " + ExchangeConnections.summary(failed.attempts()),
              "Autodiscover is asked at https://"
                  + domain
                  + " and https://autodiscover."
                  + domain
                  + " (and by the HTTP redirect method at http://autodiscover."
                  + domain
                  + "): put the host that serves it on the Exchange allow-list, check its"
                  + " certificate and the service account, or give host (the EWS server)"
                  + " instead of email"));
      return Optional.empty();
    }
  }

  private URI target(String host, Optional<ExchangeConnection> connection) {
    if (host == null || host.isBlank()) {
      return connection
          .map(c -> URI.create(c.ewsUrl()))
          .orElseThrow(() -> new InvalidField("host", "is required (no connection is saved)"));
    }
    URI parsed;
    try {
      parsed = new URI("https://" + host.strip() + "/");
    } catch (URISyntaxException e) {
      throw new InvalidField("host", "is not a host name (give name or name:port)");
    }
    if (parsed.getHost() == null
        || parsed.getRawUserInfo() != null
        || !"/".equals(parsed.getRawPath())
        || parsed.getRawQuery() != null) {
      throw new InvalidField("host", "is not a host name (give name or name:port)");
    }
    // The saved EWS URL when it is on this host (its scheme and path), else the usual path.
    if (connection.isPresent()) {
      URI saved = URI.create(connection.get().ewsUrl());
      if (sameServer(saved, parsed)) {
        return saved;
      }
    }
    return parsed.resolve(EWS_PATH);
  }

  private static boolean sameServer(URI saved, URI asked) {
    String savedHost = OutboundHttp.hostOf(saved);
    int savedPort = saved.getPort();
    int askedPort = asked.getPort();
    return savedHost != null
        && savedHost.equals(OutboundHttp.hostOf(asked))
        && (askedPort == -1 || askedPort == savedPort);
  }

  private Optional<DiagnosisStep> tcp(List<InetAddress> addresses, int port) {
    StringBuilder failures = new StringBuilder();
    for (InetAddress address : addresses) {
      long start = System.nanoTime();
      try (Socket socket = new Socket()) {
        // Only addresses the outbound policy just accepted for this host.
        socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
        long ms = (System.nanoTime() - start) / 1_000_000;
        return Optional.of(
            DiagnosisStep.green(
                "tcp",
                "Connected to "
                    + address.getHostAddress()
                    + " port "
                    + port
                    + " in "
                    + ms
                    + " ms"));
      } catch (IOException e) {
        failures.append(failures.length() == 0 ? "" : "; ");
        failures.append(address.getHostAddress()).append(" port ").append(port).append(": ");
        failures.append(
            e instanceof java.net.SocketTimeoutException ? "no answer in time" : "refused");
      }
    }
    return Optional.of(
        DiagnosisStep.red(
            "tcp",
            "No connection: " + failures,
            "Check that Exchange listens on port "
                + port
                + " and that no firewall between Mailbridge and Exchange blocks it"));
  }

  private DiagnosisStep tls(URI ewsUrl, OutboundPolicy policy, OutboundTrust trust) {
    if (!isHttps(ewsUrl)) {
      return DiagnosisStep.green(
          "tls",
          "Not used: the allow-list lets "
              + ewsUrl.getHost()
              + " be reached over plain HTTP, so credentials travel unencrypted");
    }
    OutboundResponse response;
    try {
      response =
          outbound.get(
              TLS_CHECK, ewsUrl, policy, new OutboundLimits(timeout, 65_536, 0), Map.of(), trust);
    } catch (OutboundFailure failure) {
      if (failure.certificateProblem() == null) {
        return DiagnosisStep.red(
            "tls",
            failure.getMessage(),
            "Check that Exchange answers HTTPS on this port (IIS binding of the Default Web"
                + " Site)");
      }
      return DiagnosisStep.red("tls", failure.getMessage(), fixFor(failure, trust != null));
    }
    List<X509Certificate> chain = response.peerCertificates();
    if (chain.isEmpty()) {
      return DiagnosisStep.green("tls", "The handshake succeeded");
    }
    X509Certificate leaf = chain.get(0);
    Instant notAfter = leaf.getNotAfter().toInstant();
    String detail =
        "Certificate "
            + leaf.getSubjectX500Principal().getName()
            + " issued by "
            + leaf.getIssuerX500Principal().getName()
            + ", valid until "
            + notAfter
            + "; chain of "
            + chain.size()
            + " trusted; host name matches";
    if (notAfter.isBefore(clock.instant().plus(EXPIRY_WARNING))) {
      detail += "; it expires within " + EXPIRY_WARNING.toDays() + " days: renew it soon";
    }
    return DiagnosisStep.green("tls", detail);
  }

  static String fixFor(OutboundFailure failure, boolean orgBundle) {
    return switch (failure.certificateProblem()) {
      case UNKNOWN_ISSUER ->
          "Add the certificate of the CA that issued Exchange's certificate (PEM) to"
              + " caBundlePem of the Exchange connection"
              + (orgBundle ? "; the saved bundle does not contain it" : "");
      case EXPIRED, NOT_YET_VALID ->
          "Renew Exchange's certificate (Exchange admin center > Servers > Certificates) and"
              + " bind the new one to IIS";
      case WRONG_HOST ->
          "Use the host name the certificate is issued for, or reissue it with this name as a"
              + " subject alternative name";
      case OTHER -> "Check the TLS settings of Exchange (protocol versions and cipher suites)";
    };
  }

  static DiagnosisStep ewsStep(
      String step, InboxProbe probe, String username, String impersonated, boolean ntlm) {
    String as = impersonated == null ? "as " + username : "as " + username + " for " + impersonated;
    if (probe.ok()) {
      return DiagnosisStep.green(
          step,
          "GetFolder Inbox succeeded "
              + as
              + (probe.inboxItems() == null ? "" : " (" + probe.inboxItems() + " items)"));
    }
    if (probe.httpStatus() == 401 || probe.httpStatus() == 403) {
      return DiagnosisStep.red(
          step,
          "Exchange refused the service account's credentials (HTTP " + probe.httpStatus() + ")",
          ntlm
              ? "Check username, password and domain of the Exchange connection, and that"
                  + " Windows authentication is enabled on the EWS virtual directory"
                  + " (Set-WebServicesVirtualDirectory -WindowsAuthentication $true)"
              : "Check username, password and domain of the Exchange connection, and that Basic"
                  + " authentication is enabled on the EWS virtual directory"
                  + " (Set-WebServicesVirtualDirectory -BasicAuthentication $true)");
    }
    if (probe.busy()) {
      return DiagnosisStep.red(
          step,
          "GetFolder Inbox " + as + " was throttled (ErrorServerBusy)",
          "See the throttling step");
    }
    if (probe.errorCode() != null) {
      return DiagnosisStep.red(
          step,
          "GetFolder Inbox "
              + as
              + " failed: "
              + probe.errorCode()
              + (probe.message() == null ? "" : " (" + probe.message() + ")"),
          impersonated != null
              ? "Give the service account the ApplicationImpersonation role for this user:"
                  + " New-ManagementRoleAssignment -Role ApplicationImpersonation -User "
                  + username
                  + " -CustomRecipientWriteScope <scope with the synced users>"
              : "See Exchange's error code in the EWS reference");
    }
    return DiagnosisStep.red(
        step,
        "GetFolder Inbox " + as + " failed: " + probe.message(),
        "Check that the EWS URL ends in " + EWS_PATH + " and that EWS is enabled");
  }

  private static boolean isHttps(URI uri) {
    return "https".equals(uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT));
  }
}
