package io.mailbridge.platform.crypto.control;

import io.mailbridge.platform.crypto.entity.RowBinding;
import io.mailbridge.platform.database.control.MailbridgeDataSource;
import io.mailbridge.platform.jobs.control.ClaimedJob;
import io.mailbridge.platform.jobs.control.JobHandler;
import io.mailbridge.platform.jobs.control.JobOutcome;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The job behind key rotation: re-encrypts an org's sealed columns with the primary key, one batch
 * of rows per run, table by table; a full pass that finds nothing left to re-encrypt drops the old
 * keys.
 */
@ApplicationScoped
public class ReencryptOrgRows implements JobHandler {

  public static final String KIND = "crypto.reencrypt";
  private static final Logger LOG = Logger.getLogger(ReencryptOrgRows.class.getName());

  @Resource(lookup = MailbridgeDataSource.JNDI_NAME)
  DataSource dataSource;

  @Inject @Any Instance<SealedTables> sealedTables;
  @Inject OrgKeysets keysets;
  @Inject FieldCipher cipher;

  @Inject
  @ConfigProperty(name = "mailbridge.crypto.reencrypt-batch", defaultValue = "500")
  int batchSize;

  /** Where a pass stands: table index, last row id done, rows changed so far in this pass. */
  public record Cursor(int table, String after, long changed) {
    public static Cursor start() {
      return new Cursor(0, "", 0);
    }

    static Cursor parse(String text) {
      String[] parts = text.split("\\|", -1);
      return new Cursor(Integer.parseInt(parts[0]), parts[1], Long.parseLong(parts[2]));
    }

    @Override
    public String toString() {
      return table + "|" + after + "|" + changed;
    }
  }

  /**
   * How far a re-encryption job got: tables passed of all sealed tables in the current pass, and
   * whether it has begun (a pass that changed rows starts over to check, and looks unbegun then).
   */
  public record Progress(int tablesDone, int tableCount, boolean begun) {}

  /** Where the job stored in {@code payload} stands. */
  public Progress progress(String payload) {
    int count = tables().size();
    try {
      Cursor cursor = Cursor.parse(payload);
      return new Progress(Math.min(cursor.table(), count), count, !cursor.equals(Cursor.start()));
    } catch (RuntimeException e) {
      // Not a cursor of ours: say nothing was done rather than fail the status page.
      return new Progress(0, count, false);
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public JobOutcome run(ClaimedJob job) throws SQLException {
    String orgId = job.orgId();
    keysets.forget(orgId);
    long primary = keysets.primaryKeyId(orgId);
    List<SealedTable> tables = tables();
    Cursor cursor = Cursor.parse(job.payload());
    if (cursor.table() >= tables.size()) {
      if (cursor.changed() == 0) {
        keysets.dropNonPrimaryKeys(orgId);
        LOG.info(() -> "Key rotation finished for org " + orgId + ": old data keys dropped");
        return JobOutcome.done();
      }
      return JobOutcome.continueWith(Cursor.start().toString());
    }
    SealedTable table = tables.get(cursor.table());
    int size = table.maxBatch() > 0 ? Math.min(table.maxBatch(), batchSize) : batchSize;
    Batch batch = reencryptBatch(table, orgId, cursor.after(), primary, size);
    Cursor next =
        batch.rows() < size
            ? new Cursor(cursor.table() + 1, "", cursor.changed() + batch.changed())
            : new Cursor(cursor.table(), batch.lastId(), cursor.changed() + batch.changed());
    return JobOutcome.continueWith(next.toString());
  }

  private record Batch(int rows, long changed, String lastId) {}

  private Batch reencryptBatch(
      SealedTable table, String orgId, String after, long primary, int size) throws SQLException {
    String columns = String.join(", ", table.columns());
    String select =
        "SELECT id, "
            + columns
            + " FROM "
            + table.table()
            + " WHERE "
            + table.orgColumn()
            + " = ? AND id > ? ORDER BY id LIMIT ?";
    int rows = 0;
    long changed = 0;
    String lastId = after;
    try (Connection c = dataSource.getConnection();
        PreparedStatement query = c.prepareStatement(select)) {
      query.setString(1, orgId);
      query.setString(2, after);
      query.setInt(3, size);
      List<Object[]> found = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          Object[] row = new Object[table.columns().size() + 1];
          row[0] = rs.getString(1);
          for (int i = 0; i < table.columns().size(); i++) {
            row[i + 1] = rs.getBytes(i + 2);
          }
          found.add(row);
        }
      }
      for (Object[] row : found) {
        rows++;
        String rowId = (String) row[0];
        lastId = rowId;
        for (int i = 0; i < table.columns().size(); i++) {
          byte[] stored = (byte[]) row[i + 1];
          if (stored == null || FieldCipher.keyIdOf(stored) == primary) {
            continue;
          }
          String column = table.columns().get(i);
          RowBinding binding = new RowBinding(table.table(), column, orgId, rowId);
          byte[] fresh = cipher.encrypt(binding, cipher.decrypt(binding, stored));
          // Only if nobody rewrote the value meanwhile; a newer value is already under the primary.
          try (PreparedStatement update =
              c.prepareStatement(
                  "UPDATE "
                      + table.table()
                      + " SET "
                      + column
                      + " = ? WHERE id = ? AND "
                      + column
                      + " = ?")) {
            update.setBytes(1, fresh);
            update.setString(2, rowId);
            update.setBytes(3, stored);
            changed += update.executeUpdate();
          }
        }
      }
    }
    return new Batch(rows, changed, lastId);
  }

  private List<SealedTable> tables() {
    List<SealedTable> all = new ArrayList<>();
    sealedTables.forEach(source -> all.addAll(source.sealedTables()));
    all.sort(Comparator.comparing(SealedTable::table));
    return all;
  }
}
