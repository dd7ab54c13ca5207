package io.mailbridge.productivity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailbridge.productivity.control.ProductivityRetention.Progress;
import io.mailbridge.productivity.control.ProductivityRetention.Stage;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How one org's retention run goes from sends to tracked emails to offers, and resumes. */
class ProductivityRetentionProgressTest {

  private static final Instant AS_OF = Instant.parse("2026-03-01T03:47:00Z");

  @Test
  void aFullBatchStaysInItsStageAndAShortOneMovesOn() {
    Progress start = Progress.start(AS_OF.plusMillis(300));
    assertEquals(new Progress(AS_OF, 0, 0, Stage.SENDS, 0), start);
    Progress sends = start.withSends(ProductivityRetention.BATCH);
    assertEquals(Stage.SENDS, sends.stage());
    Progress tracking = sends.withSends(3);
    assertEquals(Stage.TRACKING, tracking.stage());
    assertEquals(ProductivityRetention.BATCH + 3, tracking.sends());
    assertEquals(Stage.TRACKING, tracking.withTracked(ProductivityRetention.BATCH).stage());
    Progress offers = tracking.withTracked(1).withOffers(4).withOffers(2);
    assertEquals(new Progress(AS_OF, ProductivityRetention.BATCH + 3, 1, Stage.OFFERS, 6), offers);
  }

  @Test
  void thePayloadComesBackAsItWentAndOlderPayloadsStillRead() {
    Progress p = new Progress(AS_OF, 7, 2, Stage.OFFERS, 5);
    assertEquals(p, Progress.parse(p.toPayload()));
    // Queued before offers were purged: no offer count, and on to the offers after tracking.
    long at = AS_OF.getEpochSecond();
    assertEquals(
        new Progress(AS_OF, 4, 1, Stage.TRACKING, 0), Progress.parse(at + ";4;1;tracking"));
    assertEquals(new Progress(AS_OF, 0, 0, Stage.SENDS, 0), Progress.parse(at + ";0;0;sends"));
  }
}
