package io.mailbridge.mailbox.control;

import java.util.List;

/**
 * The fields of a contact that sync carries between the CRM and a mailbox, in the CRM's terms; null
 * means empty. {@code company} is a lead's company (a contact's account is not carried).
 */
public record ContactFields(
    String firstName,
    String lastName,
    List<String> emails,
    String phone,
    String title,
    String company) {

  public ContactFields {
    emails = emails == null ? List.of() : List.copyOf(emails);
  }
}
