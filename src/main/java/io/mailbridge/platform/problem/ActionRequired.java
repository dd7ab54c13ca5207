package io.mailbridge.platform.problem;

/**
 * Nothing will work until a person acts (connect a mailbox again, an admin sets a provider up):
 * trying again on one's own does not help, so jobs park instead of retrying.
 */
public abstract class ActionRequired extends Conflict {

  protected ActionRequired(String code, String message) {
    super(code, message);
  }
}
