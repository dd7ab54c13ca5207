package io.mailbridge.capture.control;

import io.mailbridge.platform.problem.InvalidField;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An org's capture settings as capture uses them, checked: the backfill window, retention, which
 * kinds of mail are captured, the address and domain lists and the "do not capture" category.
 * Addresses and domains are kept trimmed and lower-cased, without duplicates. Retention deletes
 * captured activities older than {@code retentionDays}, and manually logged ones too unless {@code
 * retainLoggedActivities}.
 */
public record CaptureRules(
    int backfillDays,
    int retentionDays,
    boolean captureInternal,
    boolean captureAutomated,
    boolean captureUnmatched,
    boolean storeAttachments,
    List<String> internalDomains,
    List<String> excludedAddresses,
    List<String> excludedDomains,
    String privateCategory,
    boolean retainLoggedActivities) {

  public static final int DEFAULT_BACKFILL_DAYS = 180;
  public static final int DEFAULT_RETENTION_DAYS = 730;
  public static final String DEFAULT_PRIVATE_CATEGORY = "Private";
  static final int MAX_LIST = 1000;
  static final int MAX_ENTRY = 254;

  public static final CaptureRules DEFAULTS =
      new CaptureRules(
          DEFAULT_BACKFILL_DAYS,
          DEFAULT_RETENTION_DAYS,
          false,
          false,
          false,
          false,
          List.of(),
          List.of(),
          List.of(),
          DEFAULT_PRIVATE_CATEGORY,
          true);

  /** The settings with manually logged activities kept beyond retention (the default). */
  public CaptureRules(
      int backfillDays,
      int retentionDays,
      boolean captureInternal,
      boolean captureAutomated,
      boolean captureUnmatched,
      boolean storeAttachments,
      List<String> internalDomains,
      List<String> excludedAddresses,
      List<String> excludedDomains,
      String privateCategory) {
    this(
        backfillDays,
        retentionDays,
        captureInternal,
        captureAutomated,
        captureUnmatched,
        storeAttachments,
        internalDomains,
        excludedAddresses,
        excludedDomains,
        privateCategory,
        true);
  }

  /** Checks every field; the first one out of range is an {@link InvalidField} naming it. */
  public CaptureRules {
    if (backfillDays < 0 || backfillDays > 365) {
      throw new InvalidField("backfillDays", "must be between 0 and 365");
    }
    if (retentionDays < 30 || retentionDays > 1825) {
      throw new InvalidField("retentionDays", "must be between 30 and 1825");
    }
    internalDomains = domains("internalDomains", internalDomains);
    excludedAddresses = addresses("excludedAddresses", excludedAddresses);
    excludedDomains = domains("excludedDomains", excludedDomains);
    if (privateCategory == null || privateCategory.isBlank()) {
      throw new InvalidField("privateCategory", "must not be empty");
    }
    privateCategory = privateCategory.strip();
    if (privateCategory.length() > 255) {
      throw new InvalidField("privateCategory", "must be at most 255 characters");
    }
  }

  static List<String> addresses(String field, List<String> values) {
    List<String> cleaned = cleaned(field, values);
    for (String address : cleaned) {
      int at = address.lastIndexOf('@');
      if (at <= 0
          || at == address.length() - 1
          || address.chars().anyMatch(Character::isWhitespace)) {
        throw new InvalidField(field, "\"" + address + "\" is not an email address");
      }
    }
    return cleaned;
  }

  static List<String> domains(String field, List<String> values) {
    List<String> cleaned = new ArrayList<>();
    for (String domain : cleaned(field, values)) {
      String bare = domain.startsWith("@") ? domain.substring(1) : domain;
      if (bare.isEmpty()
          || bare.contains("@")
          || !bare.contains(".")
          || bare.startsWith(".")
          || bare.endsWith(".")
          || bare.chars().anyMatch(Character::isWhitespace)) {
        throw new InvalidField(field, "\"" + domain + "\" is not a domain");
      }
      cleaned.add(bare);
    }
    return List.copyOf(new LinkedHashSet<>(cleaned));
  }

  private static List<String> cleaned(String field, List<String> values) {
    if (values == null) {
      return List.of();
    }
    if (values.size() > MAX_LIST) {
      throw new InvalidField(field, "must have at most " + MAX_LIST + " entries");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String value : values) {
      if (value == null || value.isBlank()) {
        throw new InvalidField(field, "must not contain empty entries");
      }
      String v = value.strip().toLowerCase(Locale.ROOT);
      if (v.length() > MAX_ENTRY) {
        throw new InvalidField(field, "entries must be at most " + MAX_ENTRY + " characters");
      }
      out.add(v);
    }
    return List.copyOf(out);
  }
}
