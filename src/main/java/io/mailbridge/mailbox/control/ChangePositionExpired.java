package io.mailbridge.mailbox.control;

import io.mailbridge.platform.problem.Expired;

/**
 * The provider no longer knows a stored change position (Graph 410 / {@code syncStateNotFound}):
 * the folder must be read again from the start of its window.
 */
public class ChangePositionExpired extends Expired {

  public ChangePositionExpired(String message) {
    super("change_position_expired", message);
  }
}
