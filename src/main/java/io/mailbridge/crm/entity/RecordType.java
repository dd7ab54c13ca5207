package io.mailbridge.crm.entity;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The kinds of CRM record, named as in the API path, with the fields each one has. */
public enum RecordType {
  ACCOUNTS("accounts", List.of("name", "domains")),
  CONTACTS("contacts", List.of("firstName", "lastName", "emails", "phone", "title", "accountId")),
  LEADS("leads", List.of("firstName", "lastName", "emails", "phone", "title", "company")),
  OPPORTUNITIES("opportunities", List.of("name", "stage", "amount", "closeDate", "accountId")),
  CASES("cases", List.of("subject", "status", "contactId", "accountId"));

  private final String path;
  private final List<String> fields;

  RecordType(String path, List<String> fields) {
    this.path = path;
    this.fields = fields;
  }

  public String path() {
    return path;
  }

  /** The fields of this type, in the order the API shows them. */
  public List<String> fields() {
    return fields;
  }

  public boolean hasEmails() {
    return this == CONTACTS || this == LEADS;
  }

  public static Optional<RecordType> fromPath(String path) {
    return Arrays.stream(values()).filter(t -> t.path.equals(path)).findFirst();
  }
}
