package io.mailbridge.mailbox.control;

/**
 * The provider refuses one folder of a mailbox whose others it serves (a Microsoft 365 connection
 * made before Mailbridge asked for calendar access reads mail but not the calendar): capture goes
 * on with the other folders and tries this one again at the next round.
 */
public class FolderUnreadable extends ProviderRefused {

  public FolderUnreadable(String message) {
    super("folder_unreadable", message);
  }
}
