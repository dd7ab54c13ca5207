package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.mailbox.control.ExchangeHostEntry;
import io.mailbridge.mailbox.ews.entity.ExchangeHost;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The org admin's Exchange allow-list under the operator's switch for private addresses, and the
 * node's copy of it that every EWS call's policy comes from.
 */
class ExchangeHostsTest {

  /** The ExchangeHost rows in memory, behind the few EntityManager calls ExchangeHosts makes. */
  static final class Rows {
    final List<ExchangeHost> rows = new ArrayList<>();
    final AtomicInteger reads = new AtomicInteger();

    EntityManager entityManager() {
      return (EntityManager)
          Proxy.newProxyInstance(
              EntityManager.class.getClassLoader(),
              new Class<?>[] {EntityManager.class},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "createQuery" -> query((String) args[0]);
                    case "persist" -> {
                      rows.add((ExchangeHost) args[0]);
                      yield null;
                    }
                    case "flush" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                  });
    }

    private Object query(String jpql) {
      String[] org = new String[1];
      return Proxy.newProxyInstance(
          TypedQuery.class.getClassLoader(),
          new Class<?>[] {TypedQuery.class},
          (proxy, method, args) ->
              switch (method.getName()) {
                case "setParameter" -> {
                  org[0] = (String) args[1];
                  yield proxy;
                }
                case "getResultStream" -> {
                  reads.incrementAndGet();
                  yield rows.stream()
                      .filter(h -> h.orgId().equals(org[0]))
                      .sorted(Comparator.comparing(ExchangeHost::host))
                      .toList()
                      .stream();
                }
                case "executeUpdate" -> {
                  if (!jpql.startsWith("DELETE")) {
                    throw new UnsupportedOperationException(jpql);
                  }
                  int before = rows.size();
                  rows.removeIf(h -> h.orgId().equals(org[0]));
                  yield before - rows.size();
                }
                default -> throw new UnsupportedOperationException(method.getName());
              });
    }
  }

  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

  private static ExchangeHosts hosts(Rows rows, boolean privateAllowed) {
    ExchangeHosts hosts = new ExchangeHosts();
    hosts.em = rows.entityManager();
    hosts.privateAddressesAllowed = () -> privateAllowed;
    hosts.cacheTtl = Duration.ofSeconds(30);
    hosts.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    return hosts;
  }

  @Test
  void thePolicyComesFromTheNodesCopyUntilItsTtlHasPassed() {
    Rows rows = new Rows();
    rows.rows.add(new ExchangeHost("org-1", "mail.contoso.example", false, false));
    ExchangeHosts hosts = hosts(rows, false);

    for (int call = 0; call < 5; call++) {
      OutboundPolicy policy = hosts.policyFor("org-1");
      assertEquals(Optional.of(new HostRule(false, false)), policy.ruleFor("mail.contoso.example"));
      assertEquals(Optional.empty(), policy.ruleFor("evil.example"));
    }
    assertEquals(1, rows.reads.get(), "read once for five calls");

    hosts.policyFor("org-2");
    assertEquals(2, rows.reads.get(), "each org has its own copy");

    hosts.clock = Clock.fixed(NOW.plusSeconds(31), ZoneOffset.UTC);
    hosts.policyFor("org-1");
    assertEquals(3, rows.reads.get(), "read again after the TTL");
  }

  @Test
  void aReplacedListAppliesToTheNextPolicyAtOnce() {
    Rows rows = new Rows();
    ExchangeHosts hosts = hosts(rows, false);
    hosts.replace("org-1", List.of(new ExchangeHostEntry("old.contoso.example", false, false)));
    assertTrue(hosts.policyFor("org-1").ruleFor("old.contoso.example").isPresent());

    hosts.replace("org-1", List.of(new ExchangeHostEntry("new.contoso.example", true, false)));

    OutboundPolicy policy = hosts.policyFor("org-1");
    assertEquals(Optional.empty(), policy.ruleFor("old.contoso.example"), "removed: refused");
    assertEquals(Optional.of(new HostRule(true, false)), policy.ruleFor("new.contoso.example"));
  }

  @Test
  void theOperatorWithdrawingPrivateAddressesAppliesWithinTheTtl() {
    Rows rows = new Rows();
    rows.rows.add(new ExchangeHost("org-1", "exchange.corp.example", false, true));
    ExchangeHosts hosts = hosts(rows, true);
    AtomicInteger switchReads = new AtomicInteger();
    boolean[] allowed = {true};
    hosts.privateAddressesAllowed =
        () -> {
          switchReads.incrementAndGet();
          return allowed[0];
        };
    assertEquals(
        Optional.of(new HostRule(false, true)),
        hosts.policyFor("org-1").ruleFor("exchange.corp.example"));

    allowed[0] = false;
    hosts.policyFor("org-1");
    assertEquals(1, switchReads.get(), "the switch is read with the list, not at every call");

    hosts.clock = Clock.fixed(NOW.plusSeconds(31), ZoneOffset.UTC);
    assertEquals(
        Optional.of(new HostRule(false, false)),
        hosts.policyFor("org-1").ruleFor("exchange.corp.example"));
  }

  @Test
  void privateAddressIsRefusedWhileTheOperatorHasNotAllowedIt() {
    ExchangeHosts hosts = new ExchangeHosts();
    hosts.privateAddressesAllowed = () -> false;
    // No database: the list must be refused before anything is written.
    InvalidField refused =
        assertThrows(
            InvalidField.class,
            () ->
                hosts.replace(
                    "org-1",
                    List.of(
                        new ExchangeHostEntry("mail.example.com", false, false),
                        new ExchangeHostEntry("exchange.corp.example", false, true))));
    assertEquals(400, ErrorAnswer.status(refused));
    assertEquals("invalid_field", refused.code());
    assertTrue(refused.getMessage().startsWith("[1].privateAddress: "), refused.getMessage());
    assertTrue(
        refused.getMessage().contains("mailbridge.outbound.allow-private-addresses"),
        refused.getMessage());
  }
}
