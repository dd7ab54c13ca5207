package io.mailbridge.platform.crypto.control;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Parameters;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfSet;
import io.mailbridge.platform.crypto.entity.ServerKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.function.Supplier;

/**
 * Server-wide secrets, created once on first start by whichever node gets there first, stored
 * wrapped by the key-encryption key and held in memory afterwards.
 */
@ApplicationScoped
public class ServerKeys {

  public static final String LOGIN_INDEX = "login-index";

  @Inject KeyEncryptionKey kek;
  @Inject ServerKeyStore store;

  private final java.util.Map<String, Aead> aeads = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, PrfSet> prfs = new java.util.concurrent.ConcurrentHashMap<>();

  /** A generated secret and the part of it that may be shown (a public key), if any. */
  public record GeneratedSecret(byte[] secret, String publicPart) {}

  /** The stored secret of this kind, generating and storing it if no node has yet. */
  public GeneratedSecret secret(String kind, Supplier<GeneratedSecret> generator) {
    ServerKey stored = store.find(kind);
    if (stored == null) {
      GeneratedSecret fresh = generator.get();
      try {
        store.insert(
            new ServerKey(
                kind, wrap(kind, fresh.secret()), fresh.publicPart(), java.time.Instant.now()));
      } catch (RuntimeException lostRace) {
        // Another node inserted the same kind at the same time; theirs is the one to use.
      }
      stored = store.find(kind);
      if (stored == null) {
        throw new IllegalStateException("Cannot store the server key " + kind);
      }
    }
    return new GeneratedSecret(unwrap(kind, stored.wrappedSecret()), stored.publicPart());
  }

  PrfSet loginIndex() {
    return prf(LOGIN_INDEX);
  }

  /**
   * A server-wide keyed PRF (HMAC-SHA256) for values that must be recognized later without being
   * stored: a MAC over a value the server issued, or a blind index made before the org is known.
   */
  public PrfSet prf(String kind) {
    return prfs.computeIfAbsent(kind, this::loadPrf);
  }

  /**
   * A server-wide AEAD for the few values sealed before their org is known (an Exchange identity
   * waiting for sign-up); org data uses the org's own keys.
   */
  public Aead aead(String kind) {
    return aeads.computeIfAbsent(kind, this::loadAead);
  }

  private Aead loadAead(String kind) {
    return loadKeyset(kind, PredefinedAeadParameters.AES256_GCM, Aead.class);
  }

  private PrfSet loadPrf(String kind) {
    return loadKeyset(kind, PredefinedPrfParameters.HMAC_SHA256_PRF, PrfSet.class);
  }

  /** A Tink primitive over the stored keyset of this kind, generated with these parameters. */
  private <P> P loadKeyset(String kind, Parameters parameters, Class<P> primitive) {
    try {
      byte[] serialized =
          secret(
                  kind,
                  () -> {
                    try {
                      KeysetHandle handle = KeysetHandle.generateNew(parameters);
                      return new GeneratedSecret(
                          TinkProtoKeysetFormat.serializeKeyset(
                              handle, InsecureSecretKeyAccess.get()),
                          null);
                    } catch (GeneralSecurityException e) {
                      throw new IllegalStateException(e);
                    }
                  })
              .secret();
      return TinkProtoKeysetFormat.parseKeyset(serialized, InsecureSecretKeyAccess.get())
          .getPrimitive(RegistryConfiguration.get(), primitive);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot load the server key " + kind, e);
    }
  }

  private byte[] wrap(String kind, byte[] secret) {
    try {
      return kek.aead().encrypt(secret, associatedData(kind));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot wrap the server key " + kind, e);
    }
  }

  private byte[] unwrap(String kind, byte[] wrapped) {
    try {
      return kek.aead().decrypt(wrapped, associatedData(kind));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "The server key " + kind + " cannot be unwrapped: is this the right key-encryption key?",
          e);
    }
  }

  private static byte[] associatedData(String kind) {
    return ("server_key\u0000" + kind).getBytes(StandardCharsets.UTF_8);
  }
}
