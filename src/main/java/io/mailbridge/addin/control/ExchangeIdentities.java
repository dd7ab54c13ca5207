package io.mailbridge.addin.control;

import io.mailbridge.addin.entity.ExchangeIdentityLink;
import io.mailbridge.platform.crypto.control.BlindIndex;
import io.mailbridge.platform.problem.Conflict;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.security.control.AddinSessions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Links between Exchange identities and CRM users: made on sign-up, listed and removed by admins.
 */
@ApplicationScoped
public class ExchangeIdentities {

  static final String INDEX_KIND = "exchange-identity";

  @PersistenceContext EntityManager em;
  @Inject BlindIndex blindIndex;
  @Inject AddinSessions sessions;

  Clock clock = Clock.systemUTC();

  public Optional<ExchangeIdentityLink> find(ExchangeIdentity identity) {
    return em.createQuery(
            "SELECT l FROM ExchangeIdentityLink l WHERE l.identityIndex = :index",
            ExchangeIdentityLink.class)
        .setParameter("index", blindIndex.global(INDEX_KIND, identity.key()))
        .getResultStream()
        .findFirst();
  }

  /**
   * Links the identity to the user, in the caller's transaction. Linking it again to the same user
   * is a no-op; an identity linked to someone else must first be removed by an admin.
   */
  public ExchangeIdentityLink link(
      String orgId, String userId, ExchangeIdentity identity, String mailbox) {
    Optional<ExchangeIdentityLink> existing = find(identity);
    if (existing.isPresent()) {
      if (existing.get().orgId().equals(orgId) && existing.get().userId().equals(userId)) {
        return existing.get();
      }
      throw new Conflict(
          "identity_taken",
          "This Exchange mailbox is already linked to another CRM user; an admin can remove that"
              + " link");
    }
    ExchangeIdentityLink link =
        new ExchangeIdentityLink(
            orgId,
            userId,
            blindIndex.global(INDEX_KIND, identity.key()),
            identity.metadataUrl(),
            identity.exchangeUserId(),
            mailbox,
            clock.instant());
    em.persist(link);
    em.flush();
    return link;
  }

  public void markUsed(ExchangeIdentityLink link) {
    em.find(ExchangeIdentityLink.class, link.id()).usedAt(clock.instant());
  }

  public List<ExchangeIdentityLink> page(String orgId, String after, int limit) {
    return em.createQuery(
            "SELECT l FROM ExchangeIdentityLink l WHERE l.orgId = :org AND l.id > :after"
                + " ORDER BY l.id",
            ExchangeIdentityLink.class)
        .setParameter("org", orgId)
        .setParameter("after", after == null ? "" : after)
        .setMaxResults(limit)
        .getResultList();
  }

  /** Removes a link and ends the add-in sessions it opened. */
  @Transactional
  public void remove(String orgId, String id) {
    ExchangeIdentityLink link = em.find(ExchangeIdentityLink.class, id);
    if (link == null || !link.orgId().equals(orgId)) {
      throw new NotFound("Exchange identity " + id);
    }
    sessions.revokeForIdentity(orgId, id);
    em.remove(link);
  }
}
