package io.mailbridge.mailbox.ews.control;

/** The service account as NTLM names it: its Windows domain, user name and password. */
public record NtlmAccount(String domain, String username, String password) {

  @Override
  public String toString() {
    // Never print the password.
    return "NtlmAccount[" + domain + "\\" + username + "]";
  }
}
