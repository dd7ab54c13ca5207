package io.mailbridge.crm.control;

import java.util.List;

/**
 * A record's fields after validation: the sealed document, the plain links, and what the blind
 * indexes are made of (normalized addresses, domains and the searchable name).
 */
public record ValidatedRecord(
    String json,
    String accountId,
    String contactId,
    List<String> emails,
    List<String> domains,
    String searchName) {}
