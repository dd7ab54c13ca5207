package io.mailbridge.productivity.control;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The merge fields of a shortcut's text, {@code {{object.field}}} or {@code
 * {{object.field|default}}}: which ones a text may name, and the text with them filled in from CRM
 * records (the default, or nothing, where the record has no value).
 */
public final class MergeFields {

  /** Anything written between double braces: a merge field, or a mistake to point out. */
  private static final Pattern BRACES = Pattern.compile("\\{\\{([^{}]*)}}");

  private static final Pattern FIELD =
      Pattern.compile("^\\s*([a-zA-Z]+)\\.([a-zA-Z]+)\\s*(?:\\|([^{}|]*))?$");

  /** The fields each object offers; {@code email} and {@code domain} are the first of a list. */
  static final Map<String, List<String>> KNOWN =
      Map.of(
          "contact", List.of("firstName", "lastName", "email", "phone", "title"),
          "lead", List.of("firstName", "lastName", "email", "phone", "title", "company"),
          "account", List.of("name", "domain"),
          "opportunity", List.of("name", "stage", "amount", "closeDate"),
          "case", List.of("subject", "status"),
          "me", List.of("displayName", "email"));

  private MergeFields() {}

  /** Text with its merge fields filled in and the same as HTML, where values stay text. */
  public record Rendered(String text, String html) {}

  /** What is wrong with the merge fields of {@code template}, one sentence each; empty if none. */
  public static List<String> problems(String template) {
    List<String> problems = new ArrayList<>();
    Matcher braces = BRACES.matcher(template);
    while (braces.find()) {
      Matcher field = FIELD.matcher(braces.group(1));
      if (!field.matches()) {
        problems.add(
            braces.group()
                + " is not a merge field; write {{object.field}} or {{object.field|default}}");
        continue;
      }
      List<String> fields = KNOWN.get(field.group(1));
      if (fields == null) {
        problems.add(
            braces.group() + " names no known object (" + String.join(", ", KNOWN.keySet()) + ")");
      } else if (!fields.contains(field.group(2))) {
        problems.add(
            braces.group()
                + " names no field of "
                + field.group(1)
                + " ("
                + String.join(", ", fields)
                + ")");
      }
    }
    return problems;
  }

  /**
   * {@code template} with every merge field replaced by the value from {@code objects} (by object
   * name), or its default when the object or the value is missing or blank. Text that is not a
   * merge field stays as written.
   */
  public static Rendered render(String template, Map<String, JsonObject> objects) {
    StringBuilder text = new StringBuilder();
    Matcher braces = BRACES.matcher(template);
    int last = 0;
    while (braces.find()) {
      text.append(template, last, braces.start());
      Matcher field = FIELD.matcher(braces.group(1));
      if (field.matches() && KNOWN.containsKey(field.group(1))) {
        String value = value(objects.get(field.group(1)), field.group(2));
        String fallback = field.group(3) == null ? "" : field.group(3).strip();
        text.append(value == null || value.isBlank() ? fallback : value);
      } else {
        text.append(braces.group());
      }
      last = braces.end();
    }
    text.append(template.substring(last));
    String plain = text.toString();
    return new Rendered(plain, html(plain));
  }

  /** One field of a record's JSON as text; lists give their first item. */
  static String value(JsonObject object, String field) {
    if (object == null) {
      return null;
    }
    String key =
        switch (field) {
          case "email" -> "emails";
          case "domain" -> "domains";
          default -> field;
        };
    JsonValue value = object.get(key);
    if (value instanceof JsonArray list) {
      value = list.isEmpty() ? null : list.get(0);
    }
    if (value instanceof JsonString s) {
      return s.getString();
    }
    if (value instanceof JsonNumber n) {
      return n.bigDecimalValue().toPlainString();
    }
    return null;
  }

  /** The text as HTML: every character that means something in HTML escaped, lines kept. */
  static String html(String text) {
    StringBuilder html = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> html.append("&amp;");
        case '<' -> html.append("&lt;");
        case '>' -> html.append("&gt;");
        case '"' -> html.append("&quot;");
        case '\'' -> html.append("&#39;");
        case '\r' -> {
          // A CR LF pair is one line break; a lone CR too.
          if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
            i++;
          }
          html.append("<br>\n");
        }
        case '\n' -> html.append("<br>\n");
        default -> html.append(c);
      }
    }
    return html.toString();
  }
}
