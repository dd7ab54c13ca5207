package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.control.ExchangeAllowList;
import io.mailbridge.mailbox.control.ExchangeHostEntry;
import io.mailbridge.mailbox.ews.entity.ExchangeHost;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The Exchange hosts an org trusts: only these are called for EWS or for the authentication
 * metadata named in an identity token. HTTPS to public addresses unless the admin allowed more;
 * private addresses only where the operator lets admins allow them at all. Each node keeps its copy
 * of an org's list, and of the operator's switch, for {@code mailbridge.exchange.hosts-cache-ttl}
 * (capture asks for the policy at every EWS call); a change of the list on this node applies at
 * once, on another node within that.
 */
@ApplicationScoped
public class ExchangeHosts implements ExchangeAllowList {

  /** The operator's server-wide switch without which no org's {@code privateAddress} counts. */
  static final String ALLOW_PRIVATE_ADDRESSES = "mailbridge.outbound.allow-private-addresses";

  static final int MAX_ENTRIES = 200;
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9a-f:.]{2,45}$");

  @PersistenceContext EntityManager em;

  // Read at every admin change and with every fresh copy of a list, so an operator can withdraw it
  // without a restart.
  @Inject
  @ConfigProperty(name = ALLOW_PRIVATE_ADDRESSES, defaultValue = "false")
  Provider<Boolean> privateAddressesAllowed;

  /** How long this node uses its copy of an org's list before reading it again. */
  @Inject
  @ConfigProperty(name = "mailbridge.exchange.hosts-cache-ttl", defaultValue = "PT30S")
  Duration cacheTtl;

  @Resource TransactionSynchronizationRegistry transactions;

  Clock clock = Clock.systemUTC();

  /** An org's rules as read at {@code readAt}, under the operator's switch as it was then. */
  private record Listed(Map<String, HostRule> rules, long readAt) {}

  private final Map<String, Listed> listed = new ConcurrentHashMap<>();

  // Counts forgets, so a copy read while the list changed is not kept (see policyFor).
  private final AtomicLong forgets = new AtomicLong();

  public List<ExchangeHostEntry> list(String orgId) {
    return em.createQuery(
            "SELECT h FROM ExchangeHost h WHERE h.orgId = :org ORDER BY h.host", ExchangeHost.class)
        .setParameter("org", orgId)
        .getResultStream()
        .map(h -> new ExchangeHostEntry(h.host(), h.plainHttp(), h.privateAddress()))
        .toList();
  }

  /** Every org's hosts, for what the server as a whole must trust (the task pane's framers). */
  @Override
  public List<ExchangeHostEntry> ofEveryOrg() {
    return em.createQuery("SELECT h FROM ExchangeHost h ORDER BY h.host", ExchangeHost.class)
        .getResultStream()
        .map(h -> new ExchangeHostEntry(h.host(), h.plainHttp(), h.privateAddress()))
        .distinct()
        .toList();
  }

  /** Replaces the org's whole list; entries are validated first, so a bad one changes nothing. */
  @Transactional
  public List<ExchangeHostEntry> replace(String orgId, List<ExchangeHostEntry> entries) {
    if (entries.size() > MAX_ENTRIES) {
      throw new InvalidField("hosts", "at most " + MAX_ENTRIES + " entries");
    }
    Map<String, ExchangeHostEntry> byHost = new LinkedHashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      ExchangeHostEntry entry = entries.get(i);
      String host = normalizeHost(entry.host(), "[" + i + "].host");
      if (entry.privateAddress() && !privateAddressesAllowed.get()) {
        throw new InvalidField(
            "[" + i + "].privateAddress",
            "this server does not let admins allow private addresses; its operator can, with the"
                + " setting "
                + ALLOW_PRIVATE_ADDRESSES);
      }
      if (byHost.putIfAbsent(
              host, new ExchangeHostEntry(host, entry.plainHttp(), entry.privateAddress()))
          != null) {
        throw new InvalidField("[" + i + "].host", host + " is listed twice");
      }
    }
    em.createQuery("DELETE FROM ExchangeHost h WHERE h.orgId = :org")
        .setParameter("org", orgId)
        .executeUpdate();
    em.flush();
    for (ExchangeHostEntry entry : byHost.values()) {
      em.persist(new ExchangeHost(orgId, entry.host(), entry.plainHttp(), entry.privateAddress()));
    }
    // Forgotten now for this transaction, and again once it ends: a copy read meanwhile by another
    // thread still saw the old rows.
    forget(orgId);
    if (transactions != null) {
      transactions.registerInterposedSynchronization(
          new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
              forget(orgId);
            }
          });
    }
    return list(orgId);
  }

  /**
   * The outbound policy of one org: its listed hosts, each with its own exceptions. The list and
   * the operator's switch are this node's copy, read again after {@code cacheTtl} or a change of
   * the list (reading the switch through the container costs about as much as the query).
   */
  public OutboundPolicy policyFor(String orgId) {
    Listed current = listed.get(orgId);
    if (current == null || clock.millis() - current.readAt() > cacheTtl.toMillis()) {
      long before = forgets.get();
      boolean privateAllowed = privateAddressesAllowed.get();
      Map<String, HostRule> rules = new LinkedHashMap<>();
      for (ExchangeHostEntry entry : list(orgId)) {
        rules.put(entry.host(), rule(entry.plainHttp(), entry.privateAddress(), privateAllowed));
      }
      current = new Listed(Map.copyOf(rules), clock.millis());
      listed.put(orgId, current);
      if (forgets.get() != before) {
        listed.remove(orgId, current); // the list changed while it was read: used once only
      }
    }
    Map<String, HostRule> rules = current.rules();
    return host -> Optional.ofNullable(rules.get(host));
  }

  /** Drops this node's copy of the org's list, so the next policy reads it again. */
  void forget(String orgId) {
    forgets.incrementAndGet();
    listed.remove(orgId);
  }

  /**
   * Every org that lists this host, with its rule: identity tokens arrive before the org is known.
   */
  @Override
  public Map<String, HostRule> orgsListing(String host) {
    boolean privateAllowed = privateAddressesAllowed.get();
    Map<String, HostRule> orgs = new LinkedHashMap<>();
    em.createQuery("SELECT h FROM ExchangeHost h WHERE h.host = :host", ExchangeHost.class)
        .setParameter("host", host.toLowerCase(Locale.ROOT))
        .getResultStream()
        .forEach(h -> orgs.put(h.orgId(), rule(h.plainHttp(), h.privateAddress(), privateAllowed)));
    return orgs;
  }

  // An entry stored while the operator allowed private addresses loses that when they stop.
  private static HostRule rule(boolean plainHttp, boolean privateAddress, boolean privateAllowed) {
    return new HostRule(plainHttp, privateAddress && privateAllowed);
  }

  static String normalizeHost(String raw, String field) {
    if (raw == null || raw.isBlank()) {
      throw new InvalidField(field, "is required");
    }
    String host = raw.strip().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    boolean ipv6 = host.contains(":") && IPV6.matcher(host).matches();
    if (!ipv6 && !HOST_NAME.matcher(host).matches()) {
      throw new InvalidField(
          field,
          "\""
              + raw.strip()
              + "\" is not a host name: give the name only, without scheme, port or path");
    }
    return host;
  }
}
