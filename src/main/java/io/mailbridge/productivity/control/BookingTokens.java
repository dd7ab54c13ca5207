package io.mailbridge.productivity.control;

import io.mailbridge.platform.crypto.control.ServerKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The token of a booking link: {@code b.<offer id>.<expiry in epoch seconds>.<mac>}, the MAC a
 * server-wide HMAC-SHA256 (128 bits kept) like the tracking tokens', so a token names one offer
 * until one time and cannot be altered to another offer or a later expiry.
 */
@ApplicationScoped
public class BookingTokens {

  static final String SERVER_KEY = "booking-token";
  static final int MAC_BYTES = 16;
  static final int MAX_LENGTH = 80;
  private static final String ID = "[A-Za-z0-9_-]{22}";
  private static final Pattern TOKEN =
      Pattern.compile("^b\\.(" + ID + ")\\.([1-9][0-9]{0,11})\\.(" + ID + ")$");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  @Inject ServerKeys serverKeys;

  /** What a verified token names: the offer, and until when the link works. */
  public record Grant(String offerId, Instant expiresAt) {}

  public String issue(String offerId, Instant expiresAt) {
    String payload = "b." + offerId + "." + expiresAt.getEpochSecond();
    return payload + "." + B64.encodeToString(mac(payload));
  }

  /** What the token names if this server made it (expired or not); empty for anything else. */
  public Optional<Grant> verify(String token) {
    if (token == null || token.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    Matcher m = TOKEN.matcher(token);
    if (!m.matches()) {
      return Optional.empty();
    }
    String payload = "b." + m.group(1) + "." + m.group(2);
    // The text of the MAC is compared: a lenient decoder would accept several spellings.
    boolean genuine =
        MessageDigest.isEqual(
            B64.encodeToString(mac(payload)).getBytes(StandardCharsets.US_ASCII),
            m.group(3).getBytes(StandardCharsets.US_ASCII));
    return genuine
        ? Optional.of(new Grant(m.group(1), Instant.ofEpochSecond(Long.parseLong(m.group(2)))))
        : Optional.empty();
  }

  byte[] mac(String payload) {
    try {
      return serverKeys
          .prf(SERVER_KEY)
          .computePrimary(
              ("mailbridge-booking\u0000" + payload).getBytes(StandardCharsets.UTF_8), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot make a booking token", e);
    }
  }
}
