package io.mailbridge.mailbox.control;

import java.util.List;

/**
 * One page of a synced folder's changes (contacts, calendar events) and where to go on: {@code
 * next} is the next page's position, or, when {@code roundComplete}, where the next round starts.
 */
public interface SyncPage<T> {

  List<T> changes();

  String next();

  boolean roundComplete();
}
