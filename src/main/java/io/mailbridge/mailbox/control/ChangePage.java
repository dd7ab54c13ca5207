package io.mailbridge.mailbox.control;

import java.util.List;
import java.util.Objects;

/**
 * One page of a folder's changes and where to go on: {@code roundComplete} false means {@code next}
 * is the next page of this round; true means this round is done and {@code next} is where the next
 * round starts (it reads only what changed after this one).
 */
public record ChangePage(List<ItemChange> changes, String next, boolean roundComplete) {

  public ChangePage {
    changes = changes == null ? List.of() : List.copyOf(changes);
    Objects.requireNonNull(next, "next");
  }
}
