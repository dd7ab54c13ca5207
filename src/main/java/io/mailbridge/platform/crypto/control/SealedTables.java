package io.mailbridge.platform.crypto.control;

import java.util.List;

/** Implemented by each domain that stores sealed columns, so rotation re-encrypts them too. */
public interface SealedTables {
  List<SealedTable> sealedTables();
}
