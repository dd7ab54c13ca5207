package io.mailbridge.mailbox.control;

import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.platform.crypto.control.BlindIndex;
import io.mailbridge.platform.problem.NotFound;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** The connected mailboxes of users and orgs: found, listed, stored after a consent. */
@ApplicationScoped
public class MailboxConnections {

  static final String INDEX_KIND = "mailbox-account";

  @PersistenceContext EntityManager em;
  @Inject BlindIndex blindIndex;
  @Inject OAuthProviders providers;

  Clock clock = Clock.systemUTC();

  /** A connection of the org; 404 for another org's id. */
  public MailboxConnection inOrg(String orgId, String id) {
    MailboxConnection connection = id == null ? null : em.find(MailboxConnection.class, id);
    if (connection == null || !connection.orgId().equals(orgId)) {
      throw new NotFound("Mailbox " + id);
    }
    return connection;
  }

  /** A connection of this user; another user's id is a 404 like an unknown one. */
  public MailboxConnection ownedBy(String orgId, String userId, String id) {
    MailboxConnection connection = inOrg(orgId, id);
    if (!connection.userId().equals(userId)) {
      throw new NotFound("Mailbox " + id);
    }
    return connection;
  }

  /** Whether the connection was granted what sending mail needs (older ones may lack it). */
  public boolean canSend(MailboxConnection connection) {
    return providers.of(connection.provider()).canSend(connection.scopes());
  }

  /**
   * Refuses sending from a connection that lacks the permission, before any provider call; 404 for
   * another org's id.
   */
  public void requireSending(String orgId, String id) {
    MailboxConnection connection = inOrg(orgId, id);
    if (!canSend(connection)) {
      throw new MailboxCannotSend(connection.address());
    }
  }

  /** Whether the connection was granted what availability needs of its calendar. */
  public boolean canUseCalendar(MailboxConnection connection) {
    return providers.of(connection.provider()).canUseCalendar(connection.scopes());
  }

  /**
   * Refuses reading or writing the calendar of a connection that lacks the permission, before any
   * provider call; 404 for another org's id.
   */
  public void requireCalendar(String orgId, String id) {
    MailboxConnection connection = inOrg(orgId, id);
    if (!canUseCalendar(connection)) {
      throw new MailboxCannotUseCalendar(connection.address());
    }
  }

  /** A connection of the org without its tokens; 404 for another org's id. */
  public ConnectedMailbox describe(String orgId, String id) {
    return described(inOrg(orgId, id));
  }

  /** The connection without its tokens, if it still exists (capture checks before each run). */
  public Optional<ConnectedMailbox> stillConnected(String orgId, String id) {
    MailboxConnection connection = id == null ? null : em.find(MailboxConnection.class, id);
    return connection == null || !connection.orgId().equals(orgId)
        ? Optional.empty()
        : Optional.of(described(connection));
  }

  static ConnectedMailbox described(MailboxConnection c) {
    return new ConnectedMailbox(
        c.id(),
        c.orgId(),
        c.userId(),
        c.provider() == MailProvider.MICROSOFT ? MailboxKind.GRAPH : MailboxKind.GMAIL,
        c.address(),
        c.state() == io.mailbridge.mailbox.entity.ConnectionState.REAUTH_REQUIRED);
  }

  /** The user's connections without their tokens, oldest first. */
  public List<ConnectedMailbox> describedOfUser(String orgId, String userId) {
    return ofUser(orgId, userId).stream().map(MailboxConnections::described).toList();
  }

  public List<MailboxConnection> ofUser(String orgId, String userId) {
    return em.createQuery(
            "SELECT c FROM MailboxConnection c WHERE c.orgId = :org AND c.userId = :user"
                + " ORDER BY c.createdAt, c.id",
            MailboxConnection.class)
        .setParameter("org", orgId)
        .setParameter("user", userId)
        .getResultList();
  }

  /** The user's connection to this provider when there is exactly one. */
  public Optional<MailboxConnection> onlyOneOf(String orgId, String userId, MailProvider provider) {
    List<MailboxConnection> found =
        ofUser(orgId, userId).stream().filter(c -> c.provider() == provider).toList();
    return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
  }

  /** A page of the org's connections without their tokens, by id. */
  public List<ConnectedMailbox> describedPageOfOrg(String orgId, String after, int limit) {
    return pageOfOrg(orgId, after, limit).stream().map(MailboxConnections::described).toList();
  }

  public List<MailboxConnection> pageOfOrg(String orgId, String after, int limit) {
    return em.createQuery(
            "SELECT c FROM MailboxConnection c WHERE c.orgId = :org AND c.id > :after"
                + " ORDER BY c.id",
            MailboxConnection.class)
        .setParameter("org", orgId)
        .setParameter("after", after == null ? "" : after)
        .setMaxResults(limit)
        .getResultList();
  }

  /**
   * Stores a consent: a new connection, or new tokens for the user's existing connection to the
   * same account (a reconnect after {@code reauth_required}).
   *
   * @return the connection and whether it existed before
   */
  @Transactional
  public Stored store(
      String orgId,
      String userId,
      MailProvider provider,
      ConnectedAccount account,
      TokenGrant grant) {
    String index =
        blindIndex.forOrg(
            orgId, INDEX_KIND, provider.pathName() + ":" + BlindIndex.normalize(account.address()));
    Optional<MailboxConnection> existing =
        em.createQuery(
                "SELECT c FROM MailboxConnection c WHERE c.userId = :user"
                    + " AND c.provider = :provider AND c.accountIndex = :index",
                MailboxConnection.class)
            .setParameter("user", userId)
            .setParameter("provider", provider)
            .setParameter("index", index)
            .getResultStream()
            .findFirst();
    MailboxConnection connection =
        existing.orElseGet(
            () ->
                new MailboxConnection(
                    orgId, userId, provider, index, account.address(), clock.instant()));
    connection.granted(
        grant.accessToken(),
        grant.expiresAt(),
        grant.refreshToken(),
        grant.scopes(),
        account.tenantId(),
        clock.instant());
    if (existing.isEmpty()) {
      em.persist(connection);
    }
    em.flush();
    return new Stored(connection, existing.isPresent());
  }

  /** A stored connection; {@code reconnected} when it replaced the tokens of an existing one. */
  public record Stored(MailboxConnection connection, boolean reconnected) {}

  @Transactional
  public void delete(String id) {
    MailboxConnection connection = em.find(MailboxConnection.class, id);
    if (connection != null) {
      em.remove(connection);
    }
  }
}
