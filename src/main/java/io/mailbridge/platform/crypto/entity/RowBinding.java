package io.mailbridge.platform.crypto.entity;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Where a sealed value lives: table, column, org and row. It is the AEAD associated data, so a
 * ciphertext copied into another row, column or org no longer decrypts.
 */
public record RowBinding(String table, String column, String orgId, String rowId) {

  public RowBinding {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(rowId, "rowId");
  }

  public byte[] associatedData() {
    return String.join("\u0000", "mailbridge.v1", table, column, orgId, rowId)
        .getBytes(StandardCharsets.UTF_8);
  }
}
