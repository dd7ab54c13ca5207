package io.mailbridge.message;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a mailbox says about how a message may be used, beside its content: its sensitivity
 * (Outlook's Private/Confidential, RFC 2156 {@code Sensitivity}), the categories or labels the user
 * put on it, and the few headers that mark automated mail ({@code List-Unsubscribe}, {@code
 * List-Id}, {@code Precedence}, {@code Auto-Submitted}). Capture policy decides on these.
 *
 * @param sensitivity lower case ({@code normal}, {@code personal}, {@code private}, {@code
 *     confidential}), or null when the mailbox did not say
 * @param headers header name (lower case) to its first value, only the headers named above
 */
public record MessageMarks(
    String sensitivity, List<String> categories, Map<String, String> headers) {

  /** The headers {@link MimeMail#marks} keeps. */
  public static final List<String> HEADERS =
      List.of("list-unsubscribe", "list-id", "precedence", "auto-submitted", "sensitivity");

  public static final MessageMarks NONE = new MessageMarks(null, List.of(), Map.of());

  public MessageMarks {
    sensitivity =
        sensitivity == null || sensitivity.isBlank()
            ? null
            : sensitivity.strip().toLowerCase(Locale.ROOT);
    categories = categories == null ? List.of() : List.copyOf(categories);
    Map<String, String> lower = new TreeMap<>();
    if (headers != null) {
      headers.forEach(
          (name, value) -> {
            if (name != null && value != null) {
              lower.putIfAbsent(name.toLowerCase(Locale.ROOT), value.strip());
            }
          });
    }
    headers = Map.copyOf(lower);
  }

  /** The header's value, by any case of its name, or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** These marks, with what {@code other} knows filled in where these know nothing. */
  public MessageMarks with(MessageMarks other) {
    Map<String, String> merged = new TreeMap<>(other.headers);
    merged.putAll(headers);
    List<String> allCategories = categories.isEmpty() ? other.categories : categories;
    return new MessageMarks(
        sensitivity != null ? sensitivity : other.sensitivity, allCategories, merged);
  }
}
