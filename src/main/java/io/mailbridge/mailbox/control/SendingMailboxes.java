package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The mailboxes a user can send from: their connected Microsoft 365 and Gmail mailboxes and, where
 * the org connected its Exchange server, their Exchange mailbox through the org's service account.
 * Another user's or org's mailbox is "not found".
 */
@ApplicationScoped
public class SendingMailboxes {

  @Inject MailboxConnections connections;
  @Inject MailboxOfCaller mailboxes;
  @Inject Instance<OrgExchange> orgExchange;

  /** The user's mailboxes, connections first (oldest first), then the org's Exchange one. */
  public List<ConnectedMailbox> ofUser(String orgId, String userId) {
    List<ConnectedMailbox> all = new ArrayList<>(connections.describedOfUser(orgId, userId));
    exchangeOf(orgId, userId).ifPresent(all::add);
    return all;
  }

  /**
   * Who asks for a compose action (send later, availability): the user, and how their add-in
   * session signed in: with a Microsoft 365 connection ({@code sessionMailbox}) or with Outlook on
   * the org's Exchange server ({@code onExchange}); neither for the console or the Gmail extension.
   */
  public record Asker(String orgId, String userId, String sessionMailbox, boolean onExchange) {}

  /**
   * The mailbox a compose action works on: the one named (the user's own, of a kind {@code usable}
   * accepts, else 400 saying {@code unusable}), else the one the add-in session signed in with (for
   * Outlook on the org's Exchange server: the org's Exchange connection), else the user's only
   * usable mailbox; none is {@link MailboxNotConnected} with {@code noneConnected}, several a 400
   * asking for {@code mailboxId}.
   */
  public ConnectedMailbox chosen(
      Asker asker,
      String mailboxId,
      Predicate<MailboxKind> usable,
      String unusable,
      String noneConnected) {
    if (mailboxId != null) {
      ConnectedMailbox mailbox = ownedBy(asker.orgId(), asker.userId(), mailboxId);
      if (!usable.test(mailbox.kind())) {
        throw new InvalidField("mailboxId", unusable);
      }
      return mailbox;
    }
    List<ConnectedMailbox> able =
        ofUser(asker.orgId(), asker.userId()).stream().filter(m -> usable.test(m.kind())).toList();
    for (ConnectedMailbox m : able) {
      if (m.id().equals(asker.sessionMailbox())
          || (asker.onExchange() && m.kind() == MailboxKind.EXCHANGE)) {
        return m;
      }
    }
    if (able.isEmpty()) {
      throw new MailboxNotConnected(noneConnected);
    }
    if (able.size() > 1) {
      throw new InvalidField("mailboxId", "is required: more than one mailbox is connected");
    }
    return able.get(0);
  }

  /** The org's Exchange server as this user's mailbox, if it has one covering the user. */
  public Optional<ConnectedMailbox> exchangeOf(String orgId, String userId) {
    return orgExchange.isResolvable()
        ? orgExchange.get().mailboxOf(orgId, userId)
        : Optional.empty();
  }

  /** One of the user's mailboxes; 404 for anyone else's. */
  public ConnectedMailbox ownedBy(String orgId, String userId, String id) {
    return stillConnected(orgId, userId, id).orElseThrow(() -> new NotFound("Mailbox " + id));
  }

  /** The user's mailbox, if it is still there (connected, or still covered by the org's). */
  public Optional<ConnectedMailbox> stillConnected(String orgId, String userId, String id) {
    Optional<ConnectedMailbox> exchange = exchangeOf(orgId, userId).filter(m -> m.id().equals(id));
    if (exchange.isPresent()) {
      return exchange;
    }
    return connections.stillConnected(orgId, id).filter(m -> m.userId().equals(userId));
  }

  /**
   * Refuses sending from a connection that lacks the permission, before any provider call (the
   * org's Exchange service account's rights are the Exchange admin's matter); 404 for others'.
   */
  public void requireSending(String orgId, String userId, String id) {
    ConnectedMailbox mailbox = ownedBy(orgId, userId, id);
    if (mailbox.kind() != MailboxKind.EXCHANGE) {
      connections.requireSending(orgId, id);
    }
  }

  /**
   * Refuses the calendar of a connection that was not granted calendar access, before any provider
   * call (the Exchange service account's impersonation covers the calendar); 404 for others'.
   */
  public void requireCalendar(String orgId, String userId, String id) {
    ConnectedMailbox mailbox = ownedBy(orgId, userId, id);
    if (mailbox.kind() != MailboxKind.EXCHANGE) {
      connections.requireCalendar(orgId, id);
    }
  }

  /** The user's mailbox as a send reaches it. */
  public MailboxAccess access(String orgId, String userId, String id) {
    ConnectedMailbox mailbox = ownedBy(orgId, userId, id);
    if (mailbox.kind() == MailboxKind.EXCHANGE) {
      return orgExchange.get().access(orgId, id, userId);
    }
    return mailboxes.connection(orgId, id);
  }
}
