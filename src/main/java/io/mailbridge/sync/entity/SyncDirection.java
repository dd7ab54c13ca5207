package io.mailbridge.sync.entity;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which way one kind of item syncs, named in the API as {@code off}, {@code crm_to_mail}, … */
public enum SyncDirection {
  OFF,
  CRM_TO_MAIL,
  MAIL_TO_CRM,
  BOTH;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean toMail() {
    return this == CRM_TO_MAIL || this == BOTH;
  }

  public boolean toCrm() {
    return this == MAIL_TO_CRM || this == BOTH;
  }

  public static Optional<SyncDirection> fromWire(String name) {
    return Arrays.stream(values()).filter(d -> d.wireName().equals(name)).findFirst();
  }
}
