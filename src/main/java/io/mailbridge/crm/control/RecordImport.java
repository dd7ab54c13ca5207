package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Fills an installation from the CRM it sits beside: a UTF-8 CSV with a header row, read as a
 * stream and stored in batches. Posting the same file again does not add its rows twice: contacts
 * and leads that share an address with a stored one update it, accounts match by domain or name,
 * and under an {@code Idempotency-Key} rows stored before are left as they are, so a re-post after
 * an interruption finishes the import. Each row's outcome is reported.
 */
@ApplicationScoped
public class RecordImport {

  public static final int MAX_ROWS = 100_000;
  static final int BATCH = 500;
  static final int MAX_KEY_LENGTH = 200;

  /** What the decoder puts in place of bytes that are not UTF-8. */
  private static final char NOT_UTF_8 = '\uFFFD';

  private static final String NOT_UTF_8_TEXT =
      "is not UTF-8 text; save the file as UTF-8 (\"CSV UTF-8\") and send it again";
  private static final Logger LOG = Logger.getLogger(RecordImport.class.getName());

  @Inject Records records;
  @Inject RecordImportWriter writer;

  /**
   * What an import did, with totals and one entry per data row (numbered from 1, the header not
   * included). {@code complete} is false when the import stopped before the end of the file; {@code
   * stopped} then says why and where.
   */
  @JsonbPropertyOrder({
    "created",
    "updated",
    "unchanged",
    "skipped",
    "complete",
    "limitReached",
    "stopped",
    "rows"
  })
  public record Report(
      int created,
      int updated,
      int unchanged,
      int skipped,
      boolean complete,
      boolean limitReached,
      String stopped,
      List<RowResult> rows) {}

  /**
   * What happened to one row: {@code created}, {@code updated} or {@code unchanged} with the
   * record's id, or {@code skipped} with the reason.
   */
  @JsonbPropertyOrder({"row", "outcome", "id", "reason"})
  public record RowResult(long row, String outcome, String id, String reason) {
    public static final String CREATED = "created";
    public static final String UPDATED = "updated";
    public static final String UNCHANGED = "unchanged";
    public static final String SKIPPED = "skipped";

    static RowResult skipped(long row, String reason) {
      return new RowResult(row, SKIPPED, null, reason);
    }
  }

  /**
   * Imports the CSV; {@code idempotencyKey} (optional) names this import so that a re-post with the
   * same key leaves the rows it stored before alone. Records it creates belong to {@code
   * importerId}.
   */
  public Report importCsv(
      String orgId, String importerId, RecordType type, String idempotencyKey, InputStream body) {
    String importKey =
        idempotencyKey == null ? null : writer.importKey(orgId, type, checkKey(idempotencyKey));
    List<RowResult> results = new ArrayList<>();
    String stopped = null;
    boolean limitReached = false;
    Set<String> knownLinks = new HashSet<>();
    Map<String, Integer> occurrences = new HashMap<>();
    List<RecordImportWriter.Row> batch = new ArrayList<>();
    try (CSVParser parser = parser(body)) {
      Iterator<CSVRecord> rows = parser.iterator();
      Columns columns = columns(header(rows), type);
      long row = 0;
      while (true) {
        CSVRecord record;
        try {
          if (!rows.hasNext()) {
            break;
          }
          record = rows.next();
        } catch (UncheckedIOException | IllegalStateException unreadable) {
          stopped =
              "Row "
                  + (row + 1)
                  + " (line "
                  + parser.getCurrentLineNumber()
                  + " of the file) "
                  + whyUnreadable(unreadable)
                  + ". The rows before it were imported.";
          break;
        }
        row++;
        if (row > MAX_ROWS) {
          limitReached = true;
          stopped =
              "The file has more than "
                  + MAX_ROWS
                  + " rows; rows from "
                  + row
                  + " on were not read. Import them as another file.";
          break;
        }
        try {
          JsonObject cells = toJson(record, columns, row);
          ValidatedRecord fields = RecordFields.validate(type, cells);
          checkLinks(orgId, fields, knownLinks);
          String rowKey = null;
          if (importKey != null) {
            String content = writer.contentDigest(fields);
            rowKey = writer.rowKey(orgId, content, occurrences.merge(content, 1, Integer::sum));
          }
          batch.add(new RecordImportWriter.Row(row, fields, cells, rowKey));
        } catch (DomainProblem invalid) {
          results.add(RowResult.skipped(row, reason(row, invalid, columns)));
        }
        if (batch.size() == BATCH) {
          results.addAll(store(orgId, importerId, type, importKey, columns.fields(), batch));
          batch.clear();
          if (row % 10_000 < BATCH) {
            LOG.info("CSV import of " + type.path() + ": " + row + " rows read");
          }
        }
      }
      results.addAll(store(orgId, importerId, type, importKey, columns.fields(), batch));
    } catch (IOException e) {
      // Only closing the parser gets here; every row read so far has its outcome.
      LOG.fine("Closing a CSV import's input failed: " + e.getClass().getSimpleName());
    }
    results.sort(Comparator.comparingLong(RowResult::row));
    return report(results, stopped, limitReached);
  }

  /**
   * Stores a batch in one transaction. If that fails, each row is tried alone, so one row the
   * database refuses costs only itself.
   */
  private List<RowResult> store(
      String orgId,
      String importerId,
      RecordType type,
      String importKey,
      Set<String> fileFields,
      List<RecordImportWriter.Row> batch) {
    if (batch.isEmpty()) {
      return List.of();
    }
    try {
      return writer.store(orgId, importerId, type, importKey, fileFields, List.copyOf(batch));
    } catch (RuntimeException batchFailed) {
      LOG.warning(
          "A CSV import batch could not be stored, trying its rows one by one: "
              + batchFailed.getClass().getSimpleName());
    }
    List<RowResult> results = new ArrayList<>();
    for (RecordImportWriter.Row row : batch) {
      try {
        results.addAll(writer.store(orgId, importerId, type, importKey, fileFields, List.of(row)));
      } catch (RuntimeException rowFailed) {
        LOG.warning(
            "Row "
                + row.number()
                + " of a CSV import could not be stored: "
                + rowFailed.getClass().getSimpleName());
        results.add(
            RowResult.skipped(
                row.number(), "Row " + row.number() + " could not be stored; send it again."));
      }
    }
    return results;
  }

  private static Report report(List<RowResult> results, String stopped, boolean limitReached) {
    int created = 0;
    int updated = 0;
    int unchanged = 0;
    int skipped = 0;
    for (RowResult result : results) {
      switch (result.outcome()) {
        case RowResult.CREATED -> created++;
        case RowResult.UPDATED -> updated++;
        case RowResult.UNCHANGED -> unchanged++;
        default -> skipped++;
      }
    }
    return new Report(
        created, updated, unchanged, skipped, stopped == null, limitReached, stopped, results);
  }

  private static String checkKey(String key) {
    String stripped = key.strip();
    if (stripped.isEmpty()
        || stripped.length() > MAX_KEY_LENGTH
        || !stripped.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
      throw new InvalidRequest(
          "invalid_idempotency_key",
          "The Idempotency-Key header must have 1 to "
              + MAX_KEY_LENGTH
              + " printable ASCII characters");
    }
    return stripped;
  }

  private void checkLinks(String orgId, ValidatedRecord fields, Set<String> knownLinks) {
    boolean accountKnown =
        fields.accountId() == null || knownLinks.contains("a:" + fields.accountId());
    boolean contactKnown =
        fields.contactId() == null || knownLinks.contains("c:" + fields.contactId());
    if (!accountKnown || !contactKnown) {
      records.checkLinks(orgId, fields);
      if (fields.accountId() != null) {
        knownLinks.add("a:" + fields.accountId());
      }
      if (fields.contactId() != null) {
        knownLinks.add("c:" + fields.contactId());
      }
    }
  }

  private static CSVParser parser(InputStream body) {
    BufferedInputStream in = new BufferedInputStream(body);
    Reader reader =
        new InputStreamReader(
            in,
            StandardCharsets.UTF_8
                .newDecoder()
                // Replaced, not reported: the decoder would report a bad byte a buffer early,
                // losing the rows before it; a cell with a replacement character is refused.
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE));
    try {
      in.mark(3);
      byte[] bom = in.readNBytes(3);
      if (!(bom.length == 3
          && (bom[0] & 0xff) == 0xEF
          && (bom[1] & 0xff) == 0xBB
          && (bom[2] & 0xff) == 0xBF)) {
        in.reset();
      }
      // The header is read as the first record: its names are checked here, not by the parser.
      return CSVFormat.RFC4180
          .builder()
          .setIgnoreEmptyLines(true)
          .setTrim(true)
          .get()
          .parse(reader);
    } catch (IOException e) {
      throw new InvalidRequest("invalid_csv", "The upload could not be read; send the file again.");
    }
  }

  private static CSVRecord header(Iterator<CSVRecord> rows) {
    try {
      if (rows.hasNext()) {
        return rows.next();
      }
    } catch (UncheckedIOException | IllegalStateException unreadable) {
      throw new InvalidRequest("invalid_csv", "The header row " + whyUnreadable(unreadable) + ".");
    }
    throw new InvalidRequest("invalid_csv", "The CSV needs a header row");
  }

  /**
   * The file's columns: the field each one fills, by position, and the header naming each field.
   */
  private record Columns(List<String> fieldByIndex, Map<String, String> headerByField) {
    Set<String> fields() {
      return headerByField.keySet();
    }
  }

  private static Columns columns(CSVRecord header, RecordType type) {
    Map<String, String> fieldByName = new HashMap<>();
    for (String field : type.fields()) {
      fieldByName.put(field.toLowerCase(Locale.ROOT), field);
    }
    if (type.fields().contains("emails")) {
      fieldByName.put("email", "emails");
    }
    if (type.fields().contains("domains")) {
      fieldByName.put("domain", "domains");
    }
    List<String> fieldByIndex = new ArrayList<>();
    Map<String, String> headerByField = new LinkedHashMap<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i).strip();
      if (name.indexOf(NOT_UTF_8) >= 0) {
        throw new InvalidRequest("invalid_csv", "The header row " + NOT_UTF_8_TEXT + ".");
      }
      if (name.isEmpty()) {
        throw new InvalidRequest(
            "invalid_csv",
            "Column " + (i + 1) + " of the header row has no name; name it or remove the column");
      }
      String field = fieldByName.get(name.toLowerCase(Locale.ROOT));
      if (field == null) {
        throw new InvalidRequest(
            "invalid_csv",
            "Unknown column \""
                + name
                + "\"; the columns of "
                + type.path()
                + " are "
                + String.join(", ", type.fields()));
      }
      String earlier = headerByField.putIfAbsent(field, name);
      if (earlier != null) {
        throw new InvalidRequest(
            "invalid_csv",
            "The columns \""
                + earlier
                + "\" and \""
                + name
                + "\" both fill "
                + field
                + "; keep one of them");
      }
      fieldByIndex.add(field);
    }
    return new Columns(List.copyOf(fieldByIndex), headerByField);
  }

  private static JsonObject toJson(CSVRecord record, Columns columns, long row) {
    if (record.size() != columns.fieldByIndex().size()) {
      throw new InvalidRequest(
          "invalid_row",
          "Row "
              + row
              + " has "
              + record.size()
              + " cells, but the header row has "
              + columns.fieldByIndex().size()
              + " columns.");
    }
    JsonObjectBuilder json = CrmJson.object();
    for (int i = 0; i < record.size(); i++) {
      String cell = record.get(i);
      if (cell == null || cell.isBlank()) {
        continue;
      }
      String field = columns.fieldByIndex().get(i);
      if (cell.indexOf(NOT_UTF_8) >= 0) {
        throw new InvalidRequest(
            "invalid_row",
            "Row "
                + row
                + ", column \""
                + columns.headerByField().get(field)
                + "\" "
                + NOT_UTF_8_TEXT
                + ".");
      }
      if (field.equals("emails") || field.equals("domains")) {
        JsonArrayBuilder list = CrmJson.array();
        for (String item : cell.split("[;,\\s]+")) {
          if (!item.isBlank()) {
            list.add(item);
          }
        }
        json.add(field, list);
      } else if (field.equals("amount")) {
        try {
          json.add(field, new BigDecimal(cell.strip()));
        } catch (NumberFormatException e) {
          throw new InvalidField("amount", "\"" + cell.strip() + "\" is not a number");
        }
      } else {
        json.add(field, cell);
      }
    }
    return json.build();
  }

  /** A row's problem as a sentence naming the row and, when there is one, the file's column. */
  private static String reason(long row, DomainProblem problem, Columns columns) {
    String message = problem.getMessage();
    if (message.startsWith("Row ")) {
      return message;
    }
    if ("invalid_field".equals(problem.code())) {
      int colon = message.indexOf(": ");
      if (colon > 0) {
        String field = message.substring(0, colon);
        String column = columns.headerByField().getOrDefault(field, field);
        return "Row " + row + ", column \"" + column + "\": " + message.substring(colon + 2) + ".";
      }
    }
    return "Row " + row + ": " + message + ".";
  }

  /** Why the parser could not go on, as the end of a sentence about a row or the header. */
  static String whyUnreadable(RuntimeException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    if (cause instanceof CSVException) {
      String detail = String.valueOf(cause.getMessage());
      return detail.contains("EOF")
          ? "opens a quoted value that is not closed before the end of the file"
          : "has text right after the closing quote of a quoted value; inside quotes, write a quote"
              + " as two quotes (\"\")";
    }
    return "could not be received: the upload broke off. Send the file again to finish the import";
  }
}
