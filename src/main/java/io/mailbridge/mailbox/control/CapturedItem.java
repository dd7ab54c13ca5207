package io.mailbridge.mailbox.control;

import io.mailbridge.message.MessageMarks;
import java.util.Objects;

/** A message read in full for capture, with the marks its own headers carry. */
public record CapturedItem(ReadMessage read, MessageMarks marks) {

  public CapturedItem {
    Objects.requireNonNull(read, "read");
    marks = marks == null ? MessageMarks.NONE : marks;
  }
}
