package io.mailbridge.platform.crypto.control;

import io.mailbridge.platform.crypto.entity.RowBinding;

/** A stored ciphertext that does not decrypt for the row it was read from. */
public class UnreadableValueException extends IllegalStateException {
  public UnreadableValueException(RowBinding binding) {
    super(
        "A stored value in "
            + binding.table()
            + "."
            + binding.column()
            + " does not decrypt for its row: it was altered or moved");
  }
}
