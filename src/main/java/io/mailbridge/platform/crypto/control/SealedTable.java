package io.mailbridge.platform.crypto.control;

import java.util.List;

/**
 * A table with sealed columns, as key rotation needs to know it: its org column, the columns whose
 * ciphertexts are bound to (table, column, org, id), and how many rows to hold in memory at once
 * (0: the configured batch; small for tables of large values such as attachment bytes).
 */
public record SealedTable(String table, String orgColumn, List<String> columns, int maxBatch) {

  public SealedTable(String table, String orgColumn, List<String> columns) {
    this(table, orgColumn, columns, 0);
  }
}
