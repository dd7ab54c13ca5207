package io.mailbridge.message;

import java.util.Locale;

/** A participant of a message: address and, when the message gave one, display name. */
public record MailAddress(String email, String name) {

  public MailAddress {
    if (email == null || email.isBlank()) {
      throw new IllegalArgumentException("A mail address needs an address");
    }
    email = email.strip();
    name = name == null || name.isBlank() ? null : name.strip();
  }

  public static MailAddress of(String email) {
    return new MailAddress(email, null);
  }

  /** The address as compared and indexed: trimmed and lower-cased. */
  public String normalized() {
    return email.toLowerCase(Locale.ROOT);
  }
}
