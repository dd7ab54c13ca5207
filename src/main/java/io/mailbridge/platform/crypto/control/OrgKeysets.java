package io.mailbridge.platform.crypto.control;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfSet;
import io.mailbridge.platform.database.control.MailbridgeDataSource;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Each org's data keyset (AEAD, rotated) and blind-index keyset (PRF, never rotated), wrapped by
 * the key-encryption key in {@code org_keyset}. Read through plain JDBC because sealed fields are
 * encrypted while Hibernate flushes, when the persistence context must not be re-entered.
 */
@ApplicationScoped
public class OrgKeysets {

  @Resource(lookup = MailbridgeDataSource.JNDI_NAME)
  DataSource dataSource;

  @Inject KeyEncryptionKey kek;

  @Inject
  @ConfigProperty(name = "mailbridge.crypto.keyset-cache-ttl", defaultValue = "PT30S")
  Duration cacheTtl;

  Clock clock = Clock.systemUTC();

  private final Map<String, LoadedKeyset> cache = new ConcurrentHashMap<>();

  /** The org's keys as last read; another node's rotation is seen within the cache TTL. */
  record LoadedKeyset(
      KeysetHandle data, Aead aead, PrfSet index, long primaryKeyId, long version, long loadedAt) {}

  /** Creates the keysets of a new org; its row in {@code org} must already be flushed. */
  public void createFor(String orgId) {
    try {
      KeysetHandle data = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
      KeysetHandle index = KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF);
      try (Connection c = dataSource.getConnection();
          PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO org_keyset (org_id, data_keyset, index_keyset, primary_key_id,"
                      + " key_count, version) VALUES (?, ?, ?, ?, 1, 1)")) {
        insert.setString(1, orgId);
        insert.setBytes(2, wrap(data, orgId, "data"));
        insert.setBytes(3, wrap(index, orgId, "index"));
        insert.setLong(4, data.getPrimary().getId() & 0xffffffffL);
        insert.executeUpdate();
      }
      cache.put(orgId, toLoaded(data, index, 1));
    } catch (GeneralSecurityException | SQLException e) {
      throw new IllegalStateException("Cannot create the keys of a new org", e);
    }
  }

  public Aead dataAead(String orgId) {
    return current(orgId).aead();
  }

  public PrfSet index(String orgId) {
    return current(orgId).index();
  }

  public long primaryKeyId(String orgId) {
    return current(orgId).primaryKeyId();
  }

  /** Forgets the cached keys, so the next use reads them again. */
  public void forget(String orgId) {
    cache.remove(orgId);
  }

  /** Adds a fresh data key and makes it primary; older keys stay until no row uses them. */
  public long rotate(String orgId) {
    return rewrite(
        orgId,
        handle ->
            KeysetHandle.newBuilder(handle)
                .addEntry(
                    KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                        .withRandomId()
                        .makePrimary())
                .build());
  }

  /** Drops every data key but the primary; only after re-encryption found no row using them. */
  public long dropNonPrimaryKeys(String orgId) {
    return rewrite(
        orgId,
        handle -> {
          KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
          for (int i = builder.size() - 1; i >= 0; i--) {
            if (!builder.getAt(i).isPrimary()) {
              builder.deleteAt(i);
            }
          }
          return builder.build();
        });
  }

  public int dataKeyCount(String orgId) {
    return read(orgId).data().size();
  }

  private interface KeysetChange {
    KeysetHandle apply(KeysetHandle handle) throws GeneralSecurityException;
  }

  private long rewrite(String orgId, KeysetChange change) {
    try (Connection c = dataSource.getConnection()) {
      LoadedKeyset before = read(c, orgId, true);
      KeysetHandle after = change.apply(before.data());
      long primary = after.getPrimary().getId() & 0xffffffffL;
      try (PreparedStatement update =
          c.prepareStatement(
              "UPDATE org_keyset SET data_keyset = ?, primary_key_id = ?, key_count = ?,"
                  + " rotated_at = ?, version = version + 1 WHERE org_id = ? AND version = ?")) {
        update.setBytes(1, wrap(after, orgId, "data"));
        update.setLong(2, primary);
        update.setInt(3, after.size());
        update.setTimestamp(4, Timestamp.from(clock.instant()));
        update.setString(5, orgId);
        update.setLong(6, before.version());
        if (update.executeUpdate() != 1) {
          throw new IllegalStateException("The org's keys changed concurrently; try again");
        }
      }
      cache.remove(orgId);
      return primary;
    } catch (GeneralSecurityException | SQLException e) {
      throw new IllegalStateException("Cannot change the org's data keys", e);
    }
  }

  private LoadedKeyset current(String orgId) {
    LoadedKeyset loaded = cache.get(orgId);
    if (loaded == null || clock.millis() - loaded.loadedAt() > cacheTtl.toMillis()) {
      loaded = read(orgId);
      cache.put(orgId, loaded);
    }
    return loaded;
  }

  private LoadedKeyset read(String orgId) {
    try (Connection c = dataSource.getConnection()) {
      return read(c, orgId, false);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the org's keys", e);
    }
  }

  private LoadedKeyset read(Connection c, String orgId, boolean forUpdate) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement(
            "SELECT data_keyset, index_keyset, version FROM org_keyset WHERE org_id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
      select.setString(1, orgId);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("No keys exist for this org");
        }
        KeysetHandle data = unwrap(rs.getBytes(1), orgId, "data");
        KeysetHandle index = unwrap(rs.getBytes(2), orgId, "index");
        return toLoaded(data, index, rs.getLong(3));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "The org's keys cannot be unwrapped: is this the key-encryption key they were made with?",
          e);
    }
  }

  private LoadedKeyset toLoaded(KeysetHandle data, KeysetHandle index, long version)
      throws GeneralSecurityException {
    return new LoadedKeyset(
        data,
        data.getPrimitive(RegistryConfiguration.get(), Aead.class),
        index.getPrimitive(RegistryConfiguration.get(), PrfSet.class),
        data.getPrimary().getId() & 0xffffffffL,
        version,
        clock.millis());
  }

  private byte[] wrap(KeysetHandle handle, String orgId, String purpose)
      throws GeneralSecurityException {
    return TinkProtoKeysetFormat.serializeEncryptedKeyset(
        handle, kek.aead(), associatedData(orgId, purpose));
  }

  private KeysetHandle unwrap(byte[] wrapped, String orgId, String purpose)
      throws GeneralSecurityException {
    return TinkProtoKeysetFormat.parseEncryptedKeyset(
        wrapped, kek.aead(), associatedData(orgId, purpose));
  }

  private static byte[] associatedData(String orgId, String purpose) {
    return ("org_keyset\u0000" + purpose + "\u0000" + orgId).getBytes(StandardCharsets.UTF_8);
  }
}
