package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.config.control.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Fills an installation from the CRM it sits beside: a UTF-8 CSV with a header row, read as a
 * stream and stored in batches, each row accepted or rejected with its reason.
 */
@ApplicationScoped
public class RecordImport {

  public static final int MAX_ROWS = 100_000;
  static final int BATCH = 500;
  static final int MAX_REPORTED_ERRORS = 1_000;
  private static final Logger LOG = Logger.getLogger(RecordImport.class.getName());

  @Inject Records records;

  /** What an import did; row numbers count data rows from 1, the header not included. */
  public record Report(
      int accepted, int rejected, List<RowError> errors, boolean limitReached, boolean complete) {}

  /** Why one row was not imported. */
  public record RowError(long row, String message) {}

  public Report importCsv(String orgId, RecordType type, InputStream body) {
    Map<String, String> columns = new HashMap<>();
    for (String field : type.fields()) {
      columns.put(field.toLowerCase(Locale.ROOT), field);
    }
    if (type.fields().contains("emails")) {
      columns.put("email", "emails");
    }
    if (type.fields().contains("domains")) {
      columns.put("domain", "domains");
    }
    int accepted = 0;
    int rejected = 0;
    List<RowError> errors = new ArrayList<>();
    boolean limitReached = false;
    boolean complete = true;
    Set<String> knownLinks = new HashSet<>();
    List<ValidatedRecord> batch = new ArrayList<>();
    List<Long> batchRows = new ArrayList<>();
    try (CSVParser parser = parser(body)) {
      Map<String, String> fieldByHeader = headers(parser.getHeaderNames(), columns, type);
      Iterator<CSVRecord> rows = parser.iterator();
      long row = 0;
      while (true) {
        CSVRecord record;
        try {
          if (!rows.hasNext()) {
            break;
          }
          record = rows.next();
        } catch (UncheckedIOException | IllegalStateException malformed) {
          errors.add(
              new RowError(row + 1, "the CSV cannot be read from here on: " + reason(malformed)));
          complete = false;
          break;
        }
        row++;
        if (row > MAX_ROWS) {
          limitReached = true;
          complete = false;
          break;
        }
        try {
          ValidatedRecord fields = RecordFields.validate(type, toJson(record, fieldByHeader, type));
          checkLinks(orgId, fields, knownLinks);
          batch.add(fields);
          batchRows.add(row);
        } catch (ApiProblem invalid) {
          rejected++;
          addError(errors, row, invalid.getMessage());
        }
        if (batch.size() == BATCH) {
          int stored = store(orgId, type, batch, batchRows, errors);
          accepted += stored;
          rejected += batch.size() - stored;
          batch.clear();
          batchRows.clear();
          if (row % 10_000 < BATCH) {
            LOG.info("CSV import of " + type.path() + ": " + row + " rows read");
          }
        }
      }
      int stored = store(orgId, type, batch, batchRows, errors);
      accepted += stored;
      rejected += batch.size() - stored;
    } catch (IOException e) {
      throw ApiProblem.badRequest("invalid_csv", "The CSV could not be read: " + reason(e));
    }
    return new Report(accepted, rejected, errors, limitReached, complete);
  }

  private int store(
      String orgId,
      RecordType type,
      List<ValidatedRecord> batch,
      List<Long> rows,
      List<RowError> errors) {
    if (batch.isEmpty()) {
      return 0;
    }
    try {
      records.createAll(orgId, type, List.copyOf(batch));
      return batch.size();
    } catch (RuntimeException e) {
      LOG.warning("A CSV import batch could not be stored: " + e.getClass().getSimpleName());
      for (Long row : rows) {
        addError(errors, row, "could not be stored");
      }
      return 0;
    }
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

  private static CSVParser parser(InputStream body) throws IOException {
    BufferedInputStream in = new BufferedInputStream(body);
    in.mark(3);
    byte[] bom = in.readNBytes(3);
    if (!(bom.length == 3
        && (bom[0] & 0xff) == 0xEF
        && (bom[1] & 0xff) == 0xBB
        && (bom[2] & 0xff) == 0xBF)) {
      in.reset();
    }
    Reader reader =
        new InputStreamReader(
            in,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    return CSVFormat.RFC4180
        .builder()
        .setHeader()
        .setSkipHeaderRecord(true)
        .setIgnoreEmptyLines(true)
        .setTrim(true)
        .setAllowMissingColumnNames(false)
        .get()
        .parse(reader);
  }

  private static Map<String, String> headers(
      List<String> headerNames, Map<String, String> columns, RecordType type) {
    if (headerNames.isEmpty()) {
      throw ApiProblem.badRequest("invalid_csv", "The CSV needs a header row");
    }
    Map<String, String> fieldByHeader = new HashMap<>();
    for (String header : headerNames) {
      String field = columns.get(header.strip().toLowerCase(Locale.ROOT));
      if (field == null) {
        throw ApiProblem.badRequest(
            "invalid_csv",
            "Unknown column \""
                + header
                + "\"; the columns of "
                + type.path()
                + " are "
                + String.join(", ", type.fields()));
      }
      fieldByHeader.put(header, field);
    }
    return fieldByHeader;
  }

  private static jakarta.json.JsonObject toJson(
      CSVRecord record, Map<String, String> fieldByHeader, RecordType type) {
    if (!record.isConsistent()) {
      throw ApiProblem.badRequest(
          "invalid_row", "has " + record.size() + " cells, the header has " + fieldByHeader.size());
    }
    JsonObjectBuilder json = Json.createObjectBuilder();
    for (Map.Entry<String, String> column : fieldByHeader.entrySet()) {
      String cell = record.get(column.getKey());
      if (cell == null || cell.isBlank()) {
        continue;
      }
      String field = column.getValue();
      if (field.equals("emails") || field.equals("domains")) {
        JsonArrayBuilder list = Json.createArrayBuilder();
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
          throw ApiProblem.invalidField("amount", "must be a number");
        }
      } else {
        json.add(field, cell);
      }
    }
    return json.build();
  }

  private static void addError(List<RowError> errors, long row, String message) {
    if (errors.size() < MAX_REPORTED_ERRORS) {
      errors.add(new RowError(row, message));
    }
  }

  private static String reason(Exception e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return cause.getClass().getSimpleName();
  }
}
