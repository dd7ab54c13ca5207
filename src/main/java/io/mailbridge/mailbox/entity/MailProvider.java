package io.mailbridge.mailbox.entity;

import java.util.Locale;
import java.util.Optional;

/** The cloud providers a mailbox can be connected from with OAuth. */
public enum MailProvider {
  GOOGLE("Google"),
  MICROSOFT("Microsoft");

  private final String displayName;

  MailProvider(String displayName) {
    this.displayName = displayName;
  }

  /** The name used in paths and JSON: {@code google}, {@code microsoft}. */
  public String pathName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String displayName() {
    return displayName;
  }

  public static Optional<MailProvider> fromPath(String name) {
    for (MailProvider provider : values()) {
      if (provider.pathName().equals(name)) {
        return Optional.of(provider);
      }
    }
    return Optional.empty();
  }
}
