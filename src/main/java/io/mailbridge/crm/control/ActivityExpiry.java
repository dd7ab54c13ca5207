package io.mailbridge.crm.control;

import io.mailbridge.platform.base.SqlTime;
import io.mailbridge.platform.database.control.MailbridgeDataSource;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Deletes activities that outlived their org's retention, one bounded batch at a time, and the
 * attachment blobs no activity refers to any more. Captured activities are those with a mailbox
 * owner and no person who logged them; manually logged emails and meetings go only when asked.
 * Tasks are never expired. Runs in the caller's transaction.
 */
@ApplicationScoped
public class ActivityExpiry {

  @Resource(lookup = MailbridgeDataSource.JNDI_NAME)
  DataSource dataSource;

  /** The orgs that have any activity, for the daily run to visit. */
  public List<String> orgsWithActivities() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement select = c.prepareStatement("SELECT DISTINCT org_id FROM activity");
        ResultSet rs = select.executeQuery()) {
      List<String> orgs = new ArrayList<>();
      while (rs.next()) {
        orgs.add(rs.getString(1));
      }
      return orgs;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot list the orgs with activities", e);
    }
  }

  /**
   * Deletes up to {@code batch} activities of the org that occurred before {@code cutoff}: captured
   * ones, and manually logged emails and meetings too when {@code includeLogged}. Their links,
   * owners and attachment rows go with them (cascades). Answers how many were deleted.
   */
  public int deleteOccurredBefore(String orgId, Instant cutoff, boolean includeLogged, int batch) {
    String which =
        includeLogged
            ? " AND a.type IN ('EMAIL', 'EVENT')"
                + " AND (a.created_by IS NOT NULL"
                + " OR EXISTS (SELECT 1 FROM activity_owner o WHERE o.activity_id = a.id))"
            : " AND a.created_by IS NULL"
                + " AND EXISTS (SELECT 1 FROM activity_owner o WHERE o.activity_id = a.id)";
    try (Connection c = dataSource.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT a.id FROM activity a WHERE a.org_id = ? AND a.occurred_at < ?"
                    + which
                    + " ORDER BY a.occurred_at, a.id");
        PreparedStatement delete =
            c.prepareStatement("DELETE FROM activity WHERE id = ? AND org_id = ?")) {
      select.setString(1, orgId);
      select.setObject(2, SqlTime.utc(cutoff));
      select.setMaxRows(batch);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      int deleted = 0;
      for (String id : ids) {
        delete.setString(1, id);
        delete.setString(2, orgId);
        deleted += delete.executeUpdate();
      }
      return deleted;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot delete expired activities", e);
    }
  }

  /**
   * Deletes up to {@code batch} of the org's attachment blobs that no activity refers to and that
   * were stored before {@code createdBefore} (a blob stored just now may belong to an activity
   * whose rows are not committed yet). Answers how many were deleted.
   */
  public int deleteUnreferencedBlobs(String orgId, Instant createdBefore, int batch) {
    String unreferenced =
        " NOT EXISTS (SELECT 1 FROM activity_attachment t WHERE t.blob_id = b.id)";
    try (Connection c = dataSource.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "SELECT b.id FROM attachment_blob b WHERE b.org_id = ? AND b.created_at < ? AND"
                    + unreferenced);
        PreparedStatement delete =
            c.prepareStatement(
                "DELETE FROM attachment_blob b WHERE b.id = ? AND b.org_id = ? AND"
                    + unreferenced)) {
      select.setString(1, orgId);
      select.setObject(2, SqlTime.utc(createdBefore));
      select.setMaxRows(batch);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      int deleted = 0;
      for (String id : ids) {
        delete.setString(1, id);
        delete.setString(2, orgId);
        deleted += delete.executeUpdate();
      }
      return deleted;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot delete unreferenced attachment blobs", e);
    }
  }
}
