package io.mailbridge.crm.control;

import io.mailbridge.platform.base.SqlTime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Who follows which CRM record: a follower sees the record in their synced contacts. */
@ApplicationScoped
public class RecordFollows {

  @PersistenceContext EntityManager em;

  /** Whether the user was not following the record before. */
  boolean follow(String orgId, String userId, String recordId, Instant now) {
    if (follows(userId, recordId)) {
      return false;
    }
    em.createNativeQuery(
            "INSERT INTO crm_follow (record_id, user_id, org_id, created_at) VALUES (?, ?, ?, ?)")
        .setParameter(1, recordId)
        .setParameter(2, userId)
        .setParameter(3, orgId)
        .setParameter(4, SqlTime.utc(now))
        .executeUpdate();
    return true;
  }

  /** Whether the user was following the record before. */
  boolean unfollow(String userId, String recordId) {
    return em.createNativeQuery("DELETE FROM crm_follow WHERE record_id = ? AND user_id = ?")
            .setParameter(1, recordId)
            .setParameter(2, userId)
            .executeUpdate()
        > 0;
  }

  /** Ends every follow of a record that is being deleted. */
  void forget(String recordId) {
    em.createNativeQuery("DELETE FROM crm_follow WHERE record_id = ?")
        .setParameter(1, recordId)
        .executeUpdate();
  }

  /** Those of {@code recordIds} the user follows. */
  public Set<String> followedBy(String userId, Collection<String> recordIds) {
    if (recordIds.isEmpty()) {
      return Set.of();
    }
    @SuppressWarnings("unchecked")
    List<Object> ids =
        em.createNativeQuery(
                "SELECT record_id FROM crm_follow WHERE user_id = :user AND record_id IN (:ids)")
            .setParameter("user", userId)
            .setParameter("ids", recordIds)
            .getResultList();
    Set<String> found = new HashSet<>();
    ids.forEach(id -> found.add((String) id));
    return found;
  }

  private boolean follows(String userId, String recordId) {
    return !em.createNativeQuery(
            "SELECT record_id FROM crm_follow WHERE record_id = ? AND user_id = ?")
        .setParameter(1, recordId)
        .setParameter(2, userId)
        .setMaxResults(1)
        .getResultList()
        .isEmpty();
  }
}
