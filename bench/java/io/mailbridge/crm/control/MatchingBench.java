package io.mailbridge.crm.control;

import static io.mailbridge.bench.Wiring.inject;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfConfig;
import com.google.crypto.tink.prf.PrfSet;
import io.mailbridge.platform.crypto.control.BlindIndex;
import io.mailbridge.platform.crypto.control.OrgKeysets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import liquibase.Contexts;
import liquibase.LabelExpression;
import liquibase.Liquibase;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.h2.jdbcx.JdbcConnectionPool;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Participant matching with 1,000,000 contacts (and 50,000 accounts) in one org: the real
 * ParticipantMatcher, RecordIndexes and BlindIndex on the real schema, on H2 (file) or PostgreSQL.
 *
 * <p>Run: {@code ./mvnw -Pbench -Dbench.main=io.mailbridge.crm.control.MatchingBench
 * [-Dbench.db=postgresql]}
 */
public final class MatchingBench {

  static final int CONTACTS = Integer.getInteger("bench.contacts", 1_000_000);
  static final int ACCOUNTS = Integer.getInteger("bench.accounts", 50_000);
  static final String ORG = "bench-org";

  public static void main(String[] args) throws Exception {
    PrfConfig.register();
    PrfSet prf =
        KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF)
            .getPrimitive(RegistryConfiguration.get(), PrfSet.class);
    OrgKeysets keysets =
        new OrgKeysets() {
          @Override
          public PrfSet index(String orgId) {
            return prf;
          }
        };
    BlindIndex blindIndex = inject(new BlindIndex(), "keysets", keysets);

    boolean postgres = "postgresql".equals(System.getProperty("bench.db"));
    DataSource dataSource = postgres ? new io.mailbridge.bench.PinnedConnections(postgres()) : h2();
    migrate(dataSource);

    RecordIndexes indexes = new RecordIndexes();
    inject(indexes, "dataSource", dataSource);
    inject(indexes, "blindIndex", blindIndex);
    ParticipantMatcher matcher = new ParticipantMatcher();
    inject(matcher, "dataSource", dataSource);
    inject(matcher, "indexes", indexes);
    inject(matcher, "freeMailDomains", List.of(ParticipantMatcher.DEFAULT_FREE_MAIL.split(",")));

    long loadStart = System.nanoTime();
    load(dataSource, indexes);
    System.out.printf(
        "loaded %,d contacts and %,d accounts into %s in %.1f s%n",
        CONTACTS, ACCOUNTS, postgres ? "PostgreSQL" : "H2", (System.nanoTime() - loadStart) / 1e9);

    Random random = new Random(42);
    // Warm-up, then single-address lookups on one thread and on two.
    run(matcher, 1, 1, 20_000, random);
    for (int threads : new int[] {1, 2}) {
      for (int participants : new int[] {1, 5}) {
        double perSecond = run(matcher, threads, participants, 50_000, random);
        System.out.printf(
            "threads=%d participants/call=%d: %,.0f addresses/s (%,.0f calls/s)%n",
            threads, participants, perSecond * participants, perSecond);
      }
    }
  }

  private static double run(
      ParticipantMatcher matcher, int threads, int participants, int calls, Random seed)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicLong matched = new AtomicLong();
    long start = System.nanoTime();
    List<Future<?>> futures = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long threadSeed = seed.nextLong();
      futures.add(
          pool.submit(
              () -> {
                Random random = new Random(threadSeed);
                for (int i = 0; i < calls / threads; i++) {
                  List<String> emails = new java.util.ArrayList<>();
                  for (int p = 0; p < participants; p++) {
                    // Half known contacts, a quarter unknown people at known companies, a quarter
                    // strangers.
                    int n = random.nextInt(CONTACTS);
                    emails.add(
                        switch (random.nextInt(4)) {
                          case 0, 1 -> contactEmail(n);
                          case 2 -> "new" + n + "@" + domain(n % ACCOUNTS);
                          default -> "someone" + n + "@gmail.com";
                        });
                  }
                  for (ParticipantMatcher.Match m : matcher.match(ORG, emails)) {
                    matched.addAndGet(m.contactIds().size() + m.accountIds().size());
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (matched.get() == 0) {
      throw new IllegalStateException("nothing matched: the bench is measuring the wrong thing");
    }
    return (calls / threads * threads) / seconds;
  }

  static String contactEmail(int n) {
    return "person" + n + "@" + domain(n % ACCOUNTS);
  }

  static String domain(int account) {
    return "company" + account + ".example";
  }

  private static void load(DataSource dataSource, RecordIndexes indexes) throws Exception {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement org =
          c.prepareStatement(
              "INSERT INTO org (id, name, created_at) VALUES (?, ?, CURRENT_TIMESTAMP)")) {
        org.setString(1, ORG);
        org.setBytes(2, new byte[] {0});
        org.executeUpdate();
      }
      try (PreparedStatement record =
              c.prepareStatement(
                  "INSERT INTO crm_record (id, org_id, type, data, created_at, updated_at, version)"
                      + " VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0)");
          PreparedStatement index =
              c.prepareStatement(
                  "INSERT INTO record_index (org_id, kind, value_hash, record_id, record_type)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
        for (int a = 0; a < ACCOUNTS; a++) {
          String id = "a" + a;
          add(record, id, "ACCOUNTS");
          addIndex(index, RecordIndexes.DOMAIN, indexes.domainHash(ORG, domain(a)), id, "ACCOUNTS");
          if (a % 5_000 == 4_999) {
            flush(c, record, index);
          }
        }
        for (int n = 0; n < CONTACTS; n++) {
          String id = "c" + n;
          add(record, id, "CONTACTS");
          addIndex(
              index, RecordIndexes.EMAIL, indexes.emailHash(ORG, contactEmail(n)), id, "CONTACTS");
          if (n % 5_000 == 4_999) {
            flush(c, record, index);
          }
        }
        flush(c, record, index);
      }
      try (Statement s = c.createStatement()) {
        s.execute("ANALYZE");
      } catch (Exception notSupported) {
        // H2 has no ANALYZE without a table name in older versions; statistics are optional.
      }
      c.commit();
    }
  }

  private static void add(PreparedStatement record, String id, String type) throws Exception {
    record.setString(1, id);
    record.setString(2, ORG);
    record.setString(3, type);
    record.setBytes(4, new byte[] {0});
    record.addBatch();
  }

  private static void addIndex(
      PreparedStatement index, String kind, String hash, String id, String type) throws Exception {
    index.setString(1, ORG);
    index.setString(2, kind);
    index.setString(3, hash);
    index.setString(4, id);
    index.setString(5, type);
    index.addBatch();
  }

  private static void flush(Connection c, PreparedStatement record, PreparedStatement index)
      throws Exception {
    record.executeBatch();
    index.executeBatch();
    c.commit();
  }

  @SuppressWarnings("deprecation")
  private static void migrate(DataSource dataSource) throws Exception {
    try (Connection c = dataSource.getConnection()) {
      new Liquibase(
              "liquibase/db.changelog-master.xml",
              new ClassLoaderResourceAccessor(),
              DatabaseFactory.getInstance()
                  .findCorrectDatabaseImplementation(new JdbcConnection(c)))
          .update(new Contexts(), new LabelExpression());
    }
  }

  private static DataSource h2() throws Exception {
    Path dir = Files.createTempDirectory("mailbridge-bench");
    return JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("bench"), "sa", "");
  }

  private static DataSource postgres() throws Exception {
    String db = "mailbridge_bench_" + System.currentTimeMillis();
    PGSimpleDataSource admin = new PGSimpleDataSource();
    admin.setUrl("jdbc:postgresql://127.0.0.1:5432/postgres");
    admin.setUser("postgres");
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db);
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl("jdbc:postgresql://127.0.0.1:5432/" + db);
    ds.setUser("postgres");
    System.out.println("PostgreSQL database " + db + " (dropped at exit)");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try (Connection c = admin.getConnection();
                      Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                  } catch (Exception e) {
                    System.err.println("could not drop " + db + ": " + e.getMessage());
                  }
                }));
    return ds;
  }
}
