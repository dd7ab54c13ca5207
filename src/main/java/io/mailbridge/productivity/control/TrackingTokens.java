package io.mailbridge.productivity.control;

import io.mailbridge.platform.crypto.control.ServerKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tokens in tracking URLs: {@code o.<email id>.<mac>} for the open pixel and {@code c.<email
 * id>.<link number>.<mac>} for a link, where the MAC is a server-wide HMAC-SHA256 (128 bits kept).
 * A token names nothing but what it was made for, so it cannot be altered to another email, another
 * link or the other kind.
 */
@ApplicationScoped
public class TrackingTokens {

  static final String SERVER_KEY = "tracking-token";
  static final int MAC_BYTES = 16;
  static final int MAX_LENGTH = 80;
  private static final String ID = "[A-Za-z0-9_-]{22}";
  private static final Pattern OPEN = Pattern.compile("^o\\.(" + ID + ")\\.(" + ID + ")$");
  private static final Pattern CLICK =
      Pattern.compile("^c\\.(" + ID + ")\\.(0|[1-9][0-9]{0,3})\\.(" + ID + ")$");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  @Inject ServerKeys serverKeys;

  /** What a verified token names; {@code link} is -1 for the open pixel. */
  public record Target(String emailId, int link) {
    public boolean isOpen() {
      return link < 0;
    }
  }

  public String open(String emailId) {
    String payload = "o." + emailId;
    return payload + "." + B64.encodeToString(mac(payload));
  }

  public String click(String emailId, int link) {
    if (link < 0 || link > 9999) {
      throw new IllegalArgumentException("link number out of range");
    }
    String payload = "c." + emailId + "." + link;
    return payload + "." + B64.encodeToString(mac(payload));
  }

  /** What the token names if this server made it; empty for anything else. */
  public Optional<Target> verify(String token) {
    if (token == null || token.length() > MAX_LENGTH) {
      return Optional.empty();
    }
    Matcher open = OPEN.matcher(token);
    if (open.matches()) {
      return macMatches("o." + open.group(1), open.group(2))
          ? Optional.of(new Target(open.group(1), -1))
          : Optional.empty();
    }
    Matcher click = CLICK.matcher(token);
    if (click.matches()) {
      return macMatches("c." + click.group(1) + "." + click.group(2), click.group(3))
          ? Optional.of(new Target(click.group(1), Integer.parseInt(click.group(2))))
          : Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Compares the text of the MAC, not its decoded bytes: 16 bytes leave 4 unused bits in the last
   * base64 character, which a lenient decoder ignores, so one MAC would have several spellings.
   */
  private boolean macMatches(String payload, String sent) {
    return MessageDigest.isEqual(
        B64.encodeToString(mac(payload)).getBytes(StandardCharsets.US_ASCII),
        sent.getBytes(StandardCharsets.US_ASCII));
  }

  /** The MAC of a token's payload; the domain prefix keeps it apart from other uses of MACs. */
  byte[] mac(String payload) {
    try {
      return serverKeys
          .prf(SERVER_KEY)
          .computePrimary(
              ("mailbridge-tracking\u0000" + payload).getBytes(StandardCharsets.UTF_8), MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot make a tracking token", e);
    }
  }
}
