package io.mailbridge.crm.control;

import io.mailbridge.platform.base.SqlTime;
import io.mailbridge.platform.database.control.TransactionConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whose mailboxes an activity was captured from ({@code activity_owner}): the same message in
 * several reps' mailboxes is one activity with one owner row per mailbox.
 */
@ApplicationScoped
public class ActivityOwners {

  private static final String INSERT =
      "INSERT INTO activity_owner (activity_id, mailbox_id, org_id, user_id, added_at, item_key)"
          + " VALUES (?, ?, ?, ?, ?, ?)";

  @Inject TransactionConnection connection;

  /** An owner as the API shows it: the user, and the mailbox it was captured from. */
  public record Owner(String userId, String mailboxId) {}

  /** Adds the owner unless this mailbox already is one; the activity's row must be flushed. */
  public void add(String orgId, String activityId, String userId, String mailboxId, Instant now) {
    add(orgId, activityId, userId, mailboxId, null, now);
  }

  /**
   * Adds the first owner of an activity this transaction just created, which has no owner to look
   * for yet; the activity's row must be flushed.
   */
  public void addToNew(
      String orgId, String activityId, String userId, String mailboxId, Instant now) {
    addToNew(orgId, List.of(activityId), userId, mailboxId, now);
  }

  /**
   * Adds this mailbox as the first owner of activities this transaction just created, in one batch
   * of inserts (a page of captured mail); their rows must be flushed.
   */
  public void addToNew(
      String orgId, List<String> activityIds, String userId, String mailboxId, Instant now) {
    if (activityIds.isEmpty()) {
      return;
    }
    try {
      connection.run(
          c -> {
            try (PreparedStatement insert = c.prepareStatement(INSERT)) {
              for (String activityId : activityIds) {
                bind(insert, orgId, activityId, userId, mailboxId, null, now);
                insert.addBatch();
              }
              insert.executeBatch();
            }
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot record the activities' owner", e);
    }
  }

  /**
   * Adds the owner with {@code itemKey}, the keyed hash of the item's id in that mailbox (a
   * captured event: its removal names only that id), or notes the key on an owner row that lacks
   * it.
   */
  public void add(
      String orgId,
      String activityId,
      String userId,
      String mailboxId,
      String itemKey,
      Instant now) {
    try {
      connection.run(
          c -> {
            try (PreparedStatement exists =
                    c.prepareStatement(
                        "SELECT item_key FROM activity_owner WHERE activity_id = ? AND mailbox_id = ?");
                PreparedStatement insert = c.prepareStatement(INSERT);
                PreparedStatement keyed =
                    c.prepareStatement(
                        "UPDATE activity_owner SET item_key = ? WHERE activity_id = ? AND mailbox_id = ?")) {
              exists.setString(1, activityId);
              exists.setString(2, mailboxId);
              try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                  if (itemKey != null && !itemKey.equals(rs.getString(1))) {
                    keyed.setString(1, itemKey);
                    keyed.setString(2, activityId);
                    keyed.setString(3, mailboxId);
                    keyed.executeUpdate();
                  }
                  return null;
                }
              }
              bind(insert, orgId, activityId, userId, mailboxId, itemKey, now);
              insert.executeUpdate();
            }
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot record the activity's owner", e);
    }
  }

  private static void bind(
      PreparedStatement insert,
      String orgId,
      String activityId,
      String userId,
      String mailboxId,
      String itemKey,
      Instant now)
      throws SQLException {
    insert.setString(1, activityId);
    insert.setString(2, mailboxId);
    insert.setString(3, orgId);
    insert.setString(4, userId);
    insert.setObject(5, SqlTime.utc(now));
    insert.setString(6, itemKey);
  }

  /**
   * The activity captured from this mailbox's item with this key ({@link #add} with a key), or
   * null. Runs in the caller's transaction.
   */
  public String ownedItem(String orgId, String mailboxId, String itemKey) {
    try {
      return connection.run(
          c -> {
            try (PreparedStatement select =
                c.prepareStatement(
                    "SELECT activity_id FROM activity_owner WHERE org_id = ? AND mailbox_id = ?"
                        + " AND item_key = ?")) {
              select.setString(1, orgId);
              select.setString(2, mailboxId);
              select.setString(3, itemKey);
              try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
              }
            }
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the activity's owners", e);
    }
  }

  /**
   * Takes one mailbox off an activity's owners; deletes the activity when no owner is left and no
   * person logged it. Answers whether the activity was deleted. Runs in the caller's transaction.
   */
  public boolean release(String orgId, String activityId, String mailboxId) {
    try {
      return connection.run(
          c -> {
            try (PreparedStatement forget =
                    c.prepareStatement(
                        "DELETE FROM activity_owner WHERE org_id = ? AND activity_id = ? AND mailbox_id = ?");
                PreparedStatement orphan =
                    c.prepareStatement(
                        "DELETE FROM activity WHERE id = ? AND org_id = ? AND created_by IS NULL"
                            + " AND NOT EXISTS (SELECT 1 FROM activity_owner o WHERE o.activity_id = ?)")) {
              forget.setString(1, orgId);
              forget.setString(2, activityId);
              forget.setString(3, mailboxId);
              if (forget.executeUpdate() == 0) {
                return false; // never captured from this mailbox: nothing of it to take back
              }
              orphan.setString(1, activityId);
              orphan.setString(2, orgId);
              orphan.setString(3, activityId);
              return orphan.executeUpdate() == 1;
            }
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot release the activity", e);
    }
  }

  /**
   * Forgets everything captured from one mailbox: its owner rows go, and each activity left with no
   * owner that no person logged is deleted (its links and attachment rows with it). Answers how
   * many activities were deleted. Runs in the caller's transaction.
   */
  public int purgeMailbox(String orgId, String mailboxId) {
    try {
      return connection.run(
          c -> {
            try (PreparedStatement owned =
                    c.prepareStatement(
                        "SELECT activity_id FROM activity_owner WHERE org_id = ? AND mailbox_id = ?");
                PreparedStatement forget =
                    c.prepareStatement(
                        "DELETE FROM activity_owner WHERE org_id = ? AND mailbox_id = ?");
                PreparedStatement orphan =
                    c.prepareStatement(
                        "DELETE FROM activity WHERE id = ? AND org_id = ? AND created_by IS NULL"
                            + " AND NOT EXISTS (SELECT 1 FROM activity_owner o WHERE o.activity_id = ?)")) {
              List<String> ids = new ArrayList<>();
              owned.setString(1, orgId);
              owned.setString(2, mailboxId);
              try (ResultSet rs = owned.executeQuery()) {
                while (rs.next()) {
                  ids.add(rs.getString(1));
                }
              }
              forget.setString(1, orgId);
              forget.setString(2, mailboxId);
              forget.executeUpdate();
              int deleted = 0;
              for (String id : ids) {
                orphan.setString(1, id);
                orphan.setString(2, orgId);
                orphan.setString(3, id);
                deleted += orphan.executeUpdate();
              }
              return deleted;
            }
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot purge the mailbox's captured activities", e);
    }
  }

  public List<Owner> of(String activityId) {
    List<Owner> owners = new ArrayList<>();
    try {
      return connection.run(
          c -> {
            try (PreparedStatement select =
                c.prepareStatement(
                    "SELECT user_id, mailbox_id FROM activity_owner WHERE activity_id = ?"
                        + " ORDER BY added_at, mailbox_id")) {
              select.setString(1, activityId);
              try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                  owners.add(new Owner(rs.getString(1), rs.getString(2)));
                }
              }
              return owners;
            }
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the activity's owners", e);
    }
  }
}
