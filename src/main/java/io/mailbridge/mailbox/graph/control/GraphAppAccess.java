package io.mailbridge.mailbox.graph.control;

import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.DirectoryObjectCollectionResponse;
import com.microsoft.graph.models.Group;
import com.microsoft.graph.models.GroupCollectionResponse;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.mailbridge.mailbox.control.AppAccessRefused;
import io.mailbridge.mailbox.control.AppOnlyMailboxes;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.ProviderApps;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ProviderUnreachable;
import io.mailbridge.mailbox.control.TokenEndpointError;
import io.mailbridge.mailbox.control.TokenGrant;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.ProviderApp;
import io.mailbridge.mailbox.graph.entity.ConsentedTenant;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * App-only access to the mailboxes of the tenant that consented to the org's Microsoft app: a
 * client-credentials token per org (kept until shortly before it ends; a refusal is remembered for
 * a pause, so a hundred mailboxes do not ask Entra a hundred times), reads of {@code
 * /users/{id}/…}, and a group's members.
 */
@ApplicationScoped
public class GraphAppAccess implements AppOnlyMailboxes {

  private static final Logger LOG = Logger.getLogger(GraphAppAccess.class.getName());

  @Inject ProviderApps apps;
  @Inject ConsentedTenants tenants;
  @Inject MicrosoftOAuth microsoft;
  @Inject GraphMailbox graph;

  /** How long before its end an app token is replaced by a new one. */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.app-token.renew-before", defaultValue = "PT5M")
  Duration renewBefore;

  /** How long a refused app token is not asked for again (no storm at Entra). */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.app-token.refusal-pause", defaultValue = "PT5M")
  Duration refusalPause;

  Clock clock = Clock.systemUTC();

  /** An org's app token, or its refusal, until {@code until}. */
  private record Held(String token, AppAccessRefused refusal, Instant until) {}

  private final Map<String, Held> held = new ConcurrentHashMap<>();

  @Override
  public String tenant(String orgId) {
    ProviderApp app = apps.required(orgId, MailProvider.MICROSOFT);
    List<ConsentedTenant> consented = tenants.ofOrg(orgId);
    if (consented.isEmpty()) {
      throw new AppAccessRefused(
          "tenant_not_consented",
          "No admin of the org's Microsoft 365 tenant has consented to its app yet: an admin"
              + " opens /api/admin/microsoft/consent");
    }
    // An org that allows one tenant reads that one; otherwise the latest consent.
    List<String> allowed = app.allowed();
    for (ConsentedTenant t : consented) {
      if (allowed.size() == 1 && allowed.get(0).equals(t.tenantId())) {
        return t.tenantId();
      }
    }
    return consented.get(consented.size() - 1).tenantId();
  }

  @Override
  public MailboxAccess access(String orgId, String mailboxId, String user) {
    return new MailboxAccess(MailboxKind.GRAPH, orgId, mailboxId, null, () -> token(orgId), user);
  }

  /** The org's app-only Graph token, from the cache or Entra's token endpoint. */
  String token(String orgId) {
    ProviderApp app = apps.required(orgId, MailProvider.MICROSOFT);
    String tenant = tenant(orgId);
    return held(orgId + "|" + app.clientId() + "|" + tenant, () -> microsoft.appToken(app, tenant));
  }

  /** A request to Entra's token endpoint. */
  interface TokenRequest {
    TokenGrant get() throws TokenEndpointError, OutboundFailure;
  }

  /**
   * The token held under {@code key} while it lasts, else a new one from {@code request}; a refusal
   * is held (and thrown again) for the refusal pause without asking Entra.
   */
  String held(String key, TokenRequest request) {
    Instant now = clock.instant();
    Held h = held.get(key);
    if (h != null && h.until().isAfter(now)) {
      if (h.refusal() != null) {
        throw h.refusal();
      }
      return h.token();
    }
    try {
      TokenGrant grant = request.get();
      Instant until = grant.expiresAt().minus(renewBefore);
      held.put(key, new Held(grant.accessToken(), null, until.isAfter(now) ? until : now));
      return grant.accessToken();
    } catch (TokenEndpointError e) {
      AppAccessRefused refusal = refusal(e);
      LOG.info(() -> "App-only token refused: " + refusal.getMessage());
      held.put(key, new Held(null, refusal, now.plus(refusalPause)));
      throw refusal;
    } catch (OutboundFailure e) {
      throw new ProviderUnreachable(
          "microsoft_unavailable",
          "Microsoft's token endpoint could not be reached; capture tries again",
          Duration.ofSeconds(30));
    }
  }

  /** Entra's refusal in words an admin acts on; the AADSTS code stays for a support case. */
  static AppAccessRefused refusal(TokenEndpointError e) {
    String said = e.getMessage() == null ? "" : e.getMessage();
    String code = aadsts(said);
    String words;
    if (code.equals("AADSTS7000215") || code.equals("AADSTS7000222")) {
      words =
          "Microsoft refused the app's client secret (wrong or expired): an admin enters a"
              + " current one under /api/admin/providers/microsoft";
    } else if (code.equals("AADSTS700016")
        || code.equals("AADSTS7000229")
        || code.equals("AADSTS65001")) {
      words =
          "The tenant no longer trusts the org's Microsoft app (admin consent revoked or the app"
              + " removed from the tenant): a tenant admin consents again at"
              + " /api/admin/microsoft/consent";
    } else if (code.equals("AADSTS7000112")) {
      words = "The org's Microsoft app is disabled in the tenant: a tenant admin enables it";
    } else if (code.equals("AADSTS700027") || code.equals("AADSTS700024")) {
      words =
          "Microsoft refused the app's certificate assertion: an admin checks the certificate"
              + " uploaded to the app registration";
    } else if (code.equals("AADSTS90002") || code.equals("AADSTS90072")) {
      words = "Microsoft does not know the consented tenant any more";
    } else {
      words = "Microsoft refused the app-only token (" + e.error() + ")";
    }
    return new AppAccessRefused(
        "app_access_refused", words + (code.isEmpty() ? "" : " [" + code + "]"));
  }

  private static String aadsts(String text) {
    int at = text.indexOf("AADSTS");
    if (at < 0) {
      return "";
    }
    int end = at + 6;
    while (end < text.length() && Character.isDigit(text.charAt(end))) {
      end++;
    }
    return text.substring(at, end);
  }

  @Override
  public List<GroupMember> groupMembers(String orgId, String group) {
    GraphServiceClient client = graph.client(token(orgId));
    String groupId = group.contains("@") ? groupByMail(client, group) : group;
    List<GroupMember> members = new ArrayList<>();
    DirectoryObjectCollectionResponse page =
        graph.call(
            () ->
                client
                    .groups()
                    .byGroupId(groupId)
                    .transitiveMembers()
                    .get(
                        c -> {
                          c.queryParameters.select =
                              new String[] {"id", "mail", "userPrincipalName"};
                          c.options.addAll(graph.options(GraphOperation.GROUP_MEMBERS));
                        }));
    // Bounded: a group of more than 100 pages is not an org-wide list Mailbridge follows.
    for (int pages = 0; page != null && pages < 100; pages++) {
      for (DirectoryObject member :
          page.getValue() == null ? List.<DirectoryObject>of() : page.getValue()) {
        // transitiveMembers flattens nested groups into their members and lists the groups too;
        // groups, devices and contacts have no mailbox of their own to read.
        if (member instanceof User user) {
          String address = user.getMail() != null ? user.getMail() : user.getUserPrincipalName();
          if (user.getId() != null && address != null) {
            members.add(new GroupMember(user.getId(), address));
          }
        }
      }
      String next = page.getOdataNextLink();
      if (next == null) {
        return members;
      }
      page =
          graph.call(
              () ->
                  client
                      .groups()
                      .byGroupId(groupId)
                      .transitiveMembers()
                      .withUrl(next)
                      .get(c -> c.options.addAll(graph.options(GraphOperation.GROUP_MEMBERS))));
    }
    return members;
  }

  /** {@code GET /groups?$filter=mail eq '…'}: the group's id. */
  private String groupByMail(GraphServiceClient client, String mail) {
    GroupCollectionResponse found =
        graph.call(
            () ->
                client
                    .groups()
                    .get(
                        c -> {
                          c.queryParameters.filter = "mail eq '" + mail.replace("'", "''") + "'";
                          c.queryParameters.select = new String[] {"id"};
                          c.options.addAll(graph.options(GraphOperation.FIND_GROUP));
                        }));
    List<Group> groups = found == null || found.getValue() == null ? List.of() : found.getValue();
    if (groups.isEmpty() || groups.get(0).getId() == null) {
      throw new ProviderRefused(
          "group_not_found", "The tenant has no group with the mail address " + mail);
    }
    return groups.get(0).getId();
  }
}
