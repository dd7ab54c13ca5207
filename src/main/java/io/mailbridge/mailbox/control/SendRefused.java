package io.mailbridge.mailbox.control;

/**
 * The provider refused to send a message and will refuse it again (access not accepted, a recipient
 * or the message itself not acceptable): sending it again does not help.
 */
public class SendRefused extends ProviderRefused {

  public SendRefused(String code, String message) {
    super(code, message);
  }
}
