package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.CrmRecord;
import io.mailbridge.platform.base.SqlTime;
import io.mailbridge.platform.database.control.TransactionConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Which records an activity is on ({@code activity_link}), kept in timeline order. */
@ApplicationScoped
public class ActivityLinks {

  @Inject TransactionConnection connection;

  /** A link as the API shows it: the record's type (as stored, {@code CONTACT}) and id. */
  public record Link(String type, String id) {

    static Link to(CrmRecord record) {
      return new Link(record.type().name(), record.id());
    }
  }

  /** An activity on a record's timeline. */
  public record TimelineEntry(String activityId, Instant occurredAt) {}

  /** An activity and the records it goes on. */
  public record Linking(String activityId, Instant occurredAt, Collection<Link> records) {}

  /** Adds the links that do not exist yet; the activity's row must already be flushed. */
  public void add(
      String orgId, String activityId, Instant occurredAt, Collection<CrmRecord> records) {
    add(orgId, List.of(new Linking(activityId, occurredAt, links(records))));
  }

  /** Adds the links of these activities that do not exist yet; their rows must be flushed. */
  public void add(String orgId, List<Linking> linkings) {
    insert(orgId, linkings, true);
  }

  /**
   * Links an activity this transaction just created, which has no links to look for yet; its row
   * must already be flushed.
   */
  public void addToNew(
      String orgId, String activityId, Instant occurredAt, Collection<CrmRecord> records) {
    addToNew(orgId, List.of(new Linking(activityId, occurredAt, links(records))));
  }

  private static List<Link> links(Collection<CrmRecord> records) {
    return records.stream().map(Link::to).toList();
  }

  /**
   * Links activities this transaction just created in one batch of inserts (a page of captured
   * mail); their rows must already be flushed.
   */
  public void addToNew(String orgId, List<Linking> created) {
    insert(orgId, created, false);
  }

  private void insert(String orgId, List<Linking> linkings, boolean lookFirst) {
    if (linkings.stream().allMatch(l -> l.records().isEmpty())) {
      return;
    }
    try {
      connection.run(
          c -> {
            try (PreparedStatement exists =
                    c.prepareStatement(
                        "SELECT 1 FROM activity_link WHERE activity_id = ? AND record_id = ?");
                PreparedStatement insert =
                    c.prepareStatement(
                        "INSERT INTO activity_link (activity_id, record_id, org_id, record_type, occurred_at)"
                            + " VALUES (?, ?, ?, ?, ?)")) {
              for (Linking linking : linkings) {
                Set<String> linked = new HashSet<>();
                for (Link record : linking.records()) {
                  if (!linked.add(record.id())) {
                    continue;
                  }
                  if (lookFirst) {
                    exists.setString(1, linking.activityId());
                    exists.setString(2, record.id());
                    try (ResultSet rs = exists.executeQuery()) {
                      if (rs.next()) {
                        continue;
                      }
                    }
                  }
                  insert.setString(1, linking.activityId());
                  insert.setString(2, record.id());
                  insert.setString(3, orgId);
                  insert.setString(4, record.type());
                  insert.setObject(5, SqlTime.utc(linking.occurredAt()));
                  insert.addBatch();
                }
              }
              insert.executeBatch();
            }
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot link the activity", e);
    }
  }

  /** Moves an activity's place on every timeline it is on (a rescheduled event). */
  public void retime(String activityId, Instant occurredAt) {
    try {
      connection.run(
          c -> {
            try (PreparedStatement update =
                c.prepareStatement(
                    "UPDATE activity_link SET occurred_at = ? WHERE activity_id = ?")) {
              update.setObject(1, SqlTime.utc(occurredAt));
              update.setString(2, activityId);
              update.executeUpdate();
            }
            return null;
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot move the activity on its timelines", e);
    }
  }

  public List<Link> of(String activityId) {
    List<Link> links = new ArrayList<>();
    try {
      return connection.run(
          c -> {
            try (PreparedStatement select =
                c.prepareStatement(
                    "SELECT record_type, record_id FROM activity_link WHERE activity_id = ? ORDER BY record_id")) {
              select.setString(1, activityId);
              try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                  links.add(
                      new Link(
                          rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2)));
                }
              }
              return links;
            }
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the activity's links", e);
    }
  }

  /** Newest first, strictly after the cursor position (older), at most {@code limit}. */
  public List<TimelineEntry> timeline(
      String orgId, String recordId, TimelineEntry after, int limit) {
    String sql =
        "SELECT activity_id, occurred_at FROM activity_link WHERE org_id = ? AND record_id = ?"
            + (after == null
                ? ""
                : " AND (occurred_at < ? OR (occurred_at = ? AND activity_id < ?))")
            + " ORDER BY occurred_at DESC, activity_id DESC LIMIT ?";
    try {
      return connection.run(
          c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
              int i = 1;
              select.setString(i++, orgId);
              select.setString(i++, recordId);
              if (after != null) {
                select.setObject(i++, SqlTime.utc(after.occurredAt()));
                select.setObject(i++, SqlTime.utc(after.occurredAt()));
                select.setString(i++, after.activityId());
              }
              select.setInt(i, limit);
              List<TimelineEntry> entries = new ArrayList<>();
              try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                  entries.add(
                      new TimelineEntry(
                          rs.getString(1),
                          SqlTime.instant(rs.getObject(2, java.time.LocalDateTime.class))));
                }
              }
              return entries;
            }
          });
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the timeline", e);
    }
  }
}
