package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a record's fields against its type and normalizes them; errors name the field. */
public final class RecordFields {

  static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
  static final Pattern DOMAIN =
      Pattern.compile(
          "^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,62}$");
  private static final int MAX_LIST = 50;

  private RecordFields() {}

  public static ValidatedRecord validate(RecordType type, JsonObject body) {
    if (body == null) {
      throw new InvalidRequest("invalid_json", "Send the record's fields as a JSON object");
    }
    for (String key : body.keySet()) {
      // id and ownerId are shown with the fields (a read sent back is valid) but are not written
      // so.
      if (!key.equals("id") && !key.equals("ownerId") && !type.fields().contains(key)) {
        throw new InvalidField(key, "is not a field of " + type.path());
      }
    }
    JsonObjectBuilder data = CrmJson.object();
    List<String> emails = List.of();
    List<String> domains = List.of();
    String searchName;
    switch (type) {
      case ACCOUNTS -> {
        String name = text(body, "name", 200, true);
        data.add("name", name);
        domains = domains(body);
        data.add("domains", array(domains));
        searchName = name;
      }
      case CONTACTS, LEADS -> {
        String first = text(body, "firstName", 100, false);
        String last = text(body, "lastName", 100, false);
        if (first == null && last == null) {
          throw new InvalidField("lastName", "a first or last name is required");
        }
        CrmJson.addNullable(data, "firstName", first);
        CrmJson.addNullable(data, "lastName", last);
        emails = emails(body);
        data.add("emails", array(emails));
        CrmJson.addNullable(data, "phone", text(body, "phone", 50, false));
        CrmJson.addNullable(data, "title", text(body, "title", 200, false));
        if (type == RecordType.LEADS) {
          CrmJson.addNullable(data, "company", text(body, "company", 200, false));
        }
        searchName = ((first == null ? "" : first) + " " + (last == null ? "" : last)).strip();
      }
      case OPPORTUNITIES -> {
        String name = text(body, "name", 200, true);
        data.add("name", name);
        CrmJson.addNullable(data, "stage", text(body, "stage", 100, false));
        BigDecimal amount = amount(body);
        if (amount == null) {
          data.addNull("amount");
        } else {
          data.add("amount", amount);
        }
        CrmJson.addNullable(data, "closeDate", date(body, "closeDate"));
        searchName = name;
      }
      case CASES -> {
        String subject = text(body, "subject", 500, true);
        data.add("subject", subject);
        CrmJson.addNullable(data, "status", text(body, "status", 100, false));
        searchName = subject;
      }
      default -> throw new IllegalStateException(type.name());
    }
    String accountId = type.fields().contains("accountId") ? id(body, "accountId") : null;
    String contactId = type.fields().contains("contactId") ? id(body, "contactId") : null;
    return new ValidatedRecord(
        data.build().toString(), accountId, contactId, emails, domains, searchName);
  }

  /** The address as indexed and compared: trimmed, lower-cased. */
  public static String normalizeEmail(String email) {
    return email == null ? null : email.strip().toLowerCase(Locale.ROOT);
  }

  /** A domain as indexed: trimmed, lower-cased, without a leading {@code @} or trailing dot. */
  public static String normalizeDomain(String domain) {
    String d = domain.strip().toLowerCase(Locale.ROOT);
    if (d.startsWith("@")) {
      d = d.substring(1);
    }
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    return d;
  }

  private static String text(JsonObject body, String field, int max, boolean required) {
    JsonValue value = body.get(field);
    if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
      if (required) {
        throw new InvalidField(field, "is required");
      }
      return null;
    }
    if (!(value instanceof JsonString string)) {
      throw new InvalidField(field, "must be a string");
    }
    String text = string.getString().strip();
    if (text.isEmpty()) {
      if (required) {
        throw new InvalidField(field, "is required");
      }
      return null;
    }
    if (text.length() > max) {
      throw new InvalidField(field, "must have at most " + max + " characters");
    }
    return text;
  }

  private static List<String> strings(JsonObject body, String field) {
    JsonValue value = body.get(field);
    if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new InvalidField(field, "must be a list of strings");
    }
    if (array.size() > MAX_LIST) {
      throw new InvalidField(field, "must have at most " + MAX_LIST + " entries");
    }
    List<String> out = new ArrayList<>();
    for (JsonValue item : array) {
      if (!(item instanceof JsonString s)) {
        throw new InvalidField(field, "must be a list of strings");
      }
      out.add(s.getString());
    }
    return out;
  }

  private static List<String> emails(JsonObject body) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : strings(body, "emails")) {
      String email = normalizeEmail(raw);
      if (email.length() > 320 || !EMAIL.matcher(email).matches()) {
        throw new InvalidField("emails", "\"" + raw.strip() + "\" is not an email address");
      }
      out.add(email);
    }
    return List.copyOf(out);
  }

  private static List<String> domains(JsonObject body) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : strings(body, "domains")) {
      String domain = normalizeDomain(raw);
      if (!DOMAIN.matcher(domain).matches()) {
        throw new InvalidField("domains", "\"" + raw.strip() + "\" is not a domain");
      }
      out.add(domain);
    }
    return List.copyOf(out);
  }

  private static BigDecimal amount(JsonObject body) {
    JsonValue value = body.get("amount");
    if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
      return null;
    }
    if (!(value instanceof JsonNumber number)) {
      throw new InvalidField("amount", "must be a number");
    }
    BigDecimal amount = number.bigDecimalValue();
    if (amount.signum() < 0 || amount.precision() - amount.scale() > 15 || amount.scale() > 4) {
      throw new InvalidField("amount", "must be a non-negative amount with at most 4 decimals");
    }
    return amount;
  }

  private static String date(JsonObject body, String field) {
    String text = text(body, field, 10, false);
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text).toString();
    } catch (DateTimeParseException e) {
      throw new InvalidField(field, "must be a date like 2026-12-31");
    }
  }

  private static String id(JsonObject body, String field) {
    return text(body, field, 32, false);
  }

  private static JsonArrayBuilder array(List<String> values) {
    JsonArrayBuilder array = CrmJson.array();
    values.forEach(array::add);
    return array;
  }
}
