package io.mailbridge.platform.crypto.control;

import com.google.crypto.tink.prf.PrfSet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Locale;

/**
 * Keyed hashes of values that must be found by equality (email addresses, domains) without
 * decrypting rows. Values are trimmed and lower-cased first, so lookups ignore case and spaces.
 */
@ApplicationScoped
public class BlindIndex {

  @Inject OrgKeysets keysets;
  @Inject ServerKeys serverKeys;

  /** An index value private to one org. */
  public String forOrg(String orgId, String kind, String value) {
    return compute(keysets.index(orgId), kind, value);
  }

  /** An index value across all orgs, for the few lookups made before the org is known (login). */
  public String global(String kind, String value) {
    return compute(serverKeys.loginIndex(), kind, value);
  }

  public static String normalize(String value) {
    return value == null ? null : value.strip().toLowerCase(Locale.ROOT);
  }

  private static String compute(PrfSet prf, String kind, String value) {
    try {
      byte[] input = (kind + "\u0000" + normalize(value)).getBytes(StandardCharsets.UTF_8);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(prf.computePrimary(input, 24));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot compute a blind index", e);
    }
  }
}
