package io.mailbridge.addin.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.exchange.TestCertificates;
import io.mailbridge.it.exchange.TestCertificates.SigningKey;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.problem.NotAuthenticated;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The metadata document cache and its answers, against the fake Exchange on loopback. */
class AuthMetadataDocumentsTest {

  private static final SigningKey KEY = TestCertificates.create("Exchange Unit Test", 1, 30);
  private static final OutboundPolicy LOOPBACK = host -> Optional.of(new HostRule(true, true));

  private FakeExchange exchange;
  private AuthMetadataDocuments documents;
  private String x5t;

  @BeforeEach
  void start() {
    exchange = FakeExchange.start(KEY.certificate());
    documents = new AuthMetadataDocuments();
    documents.outbound = new OutboundHttp();
    documents.timeout = Duration.ofSeconds(5);
    documents.maxBytes = 65536;
    documents.minAge = Duration.ofMinutes(5);
    documents.maxAge = Duration.ofHours(24);
    documents.cacheSize = 3;
    x5t = TestCertificates.thumbprint(KEY.certificate());
  }

  @AfterEach
  void stop() {
    exchange.close();
  }

  /** A URL of its own for the fake's document (the fake ignores queries it does not know). */
  private URI amurl(int n) {
    return URI.create(exchange.metadataUrl() + "?n=" + n);
  }

  private void use(int n) {
    assertEquals(KEY.certificate(), documents.signingCertificate(amurl(n), x5t, LOOPBACK));
  }

  @Test
  void onlyTheMostRecentlyUsedDocumentsStayCached() {
    use(0);
    use(1);
    use(2);
    assertEquals(3, exchange.metadataHits.get());
    use(0); // cached, and now the most recently used
    assertEquals(3, exchange.metadataHits.get());

    use(3); // a fourth entry: the least recently used (1) goes
    assertEquals(4, exchange.metadataHits.get());
    use(0);
    use(2);
    use(3);
    assertEquals(4, exchange.metadataHits.get(), "the three most recent stay cached");
    use(1);
    assertEquals(5, exchange.metadataHits.get(), "the evicted one is fetched again");
  }

  @Test
  void manyDistinctAmurlsKeepOnlyTheBoundAndRepeatsAreNotFetchedAgain() {
    for (int n = 0; n < 20; n++) {
      use(n);
    }
    assertEquals(20, exchange.metadataHits.get());
    for (int round = 0; round < 10; round++) {
      use(17);
      use(18);
      use(19);
    }
    assertEquals(20, exchange.metadataHits.get(), "repeated amurls come from the cache");
    for (int n = 0; n < 17; n++) {
      use(n);
    }
    assertEquals(37, exchange.metadataHits.get(), "the older 17 were no longer cached");
  }

  @Test
  void everyWayADocumentCannotBeUsedGetsTheSameAnswer() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    List<String> amurls =
        List.of(
            "http://127.0.0.1:" + closedPort + FakeExchange.METADATA_PATH,
            exchange.base() + "/not-there",
            exchange.metadataVariant("html", "<html/>".getBytes(StandardCharsets.UTF_8)),
            exchange.metadataVariant(
                "no-keys", "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8)),
            exchange.metadataVariant(
                "jwks", "{\"keys\":[{\"kty\":\"RSA\"}]}".getBytes(StandardCharsets.UTF_8)),
            exchange.metadataVariant(
                "large", ("{\"keys\":[],\"p\":\"" + "x".repeat(70_000) + "\"}").getBytes()));
    for (String amurl : amurls) {
      NotAuthenticated problem =
          assertThrows(
              NotAuthenticated.class,
              () -> documents.signingCertificate(URI.create(amurl), x5t, LOOPBACK),
              amurl);
      assertEquals(401, ErrorAnswer.status(problem), amurl);
      assertEquals("invalid_identity_token", problem.code(), amurl);
      assertEquals(AuthMetadataDocuments.UNUSABLE, problem.getMessage(), amurl);
    }
  }
}
