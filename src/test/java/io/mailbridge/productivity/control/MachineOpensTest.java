package io.mailbridge.productivity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MachineOpensTest {

  private static final String CHROME =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/120.0 Safari/537.36";
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private final Instant prepared = Instant.parse("2026-03-01T10:00:00Z");
  private final Instant later = prepared.plus(Duration.ofHours(2));

  private Optional<String> reason(String agent, Instant lastMachine, Instant now) {
    return MachineOpens.reason(agent, prepared, lastMachine, now, WINDOW);
  }

  @Test
  void aPersonLaterIsAPerson() {
    assertEquals(Optional.empty(), reason(CHROME, null, later));
    assertEquals(
        Optional.empty(),
        reason(CHROME, later.minus(Duration.ofMinutes(5)), later),
        "a machine fetch long before does not taint a later read");
  }

  @Test
  void proxiesAreRecognisedByTheirUserAgent() {
    assertEquals(Optional.of("proxy_apple"), reason("Mozilla/5.0", null, later));
    assertEquals(
        Optional.of("proxy_google"),
        reason(
            "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
            null,
            later));
    assertEquals(
        Optional.of("proxy_yahoo"), reason("YahooMailProxy; https://help.yahoo.com", null, later));
    assertEquals(Optional.of("no_user_agent"), reason(null, null, later));
    assertEquals(Optional.of("no_user_agent"), reason("  ", null, later));
  }

  @Test
  void scannersAndLibrariesAreMachines() {
    assertEquals(Optional.of("scanner"), reason("python-requests/2.31", null, later));
    assertEquals(
        Optional.of("scanner"), reason("Mozilla/5.0 (compatible; Barracuda)", null, later));
    assertEquals(Optional.of("scanner"), reason("curl/8.5.0", null, later));
  }

  @Test
  void fetchesWithinSecondsOfPreparationOrOfAMachineFetchAreMachines() {
    assertEquals(Optional.of("too_soon"), reason(CHROME, null, prepared.plusSeconds(3)));
    assertEquals(Optional.empty(), reason(CHROME, null, prepared.plusSeconds(10)));
    assertEquals(
        Optional.of("burst"), reason(CHROME, later.minusSeconds(2), later), "a scanner's burst");
    assertEquals(Optional.empty(), reason(CHROME, later.minusSeconds(10), later));
  }
}
