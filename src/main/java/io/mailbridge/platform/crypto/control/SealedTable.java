package io.mailbridge.platform.crypto.control;

import java.util.List;

/**
 * A table with sealed columns, as key rotation needs to know it: its org column and the columns
 * whose ciphertexts are bound to (table, column, org, id).
 */
public record SealedTable(String table, String orgColumn, List<String> columns) {}
