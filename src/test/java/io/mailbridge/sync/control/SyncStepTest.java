package io.mailbridge.sync.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mailbridge.mailbox.control.ChangePositionExpired;
import io.mailbridge.mailbox.control.SyncPage;
import io.mailbridge.platform.jobs.control.JobOutcome;
import io.mailbridge.sync.entity.SyncUser;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SyncStepTest {

  private record Page(List<String> changes, String next, boolean roundComplete)
      implements SyncPage<String> {}

  private final SyncStep step =
      new SyncStep(
          new SyncUser("org", "user", Instant.EPOCH),
          SyncChoice.OFF,
          null,
          null,
          Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
  private final List<String> seen = new ArrayList<>();
  private final List<String> kept = new ArrayList<>();
  private final List<String> asked = new ArrayList<>();

  @Test
  void pagesAreReadUntilTheRoundIsCompleteThenThePushFollows() {
    Optional<JobOutcome> outcome =
        step.pullPages(
            "p0",
            5,
            position -> {
              asked.add(position);
              return position.equals("p0")
                  ? new Page(List.of("a", "b"), "p1", false)
                  : new Page(List.of("c"), "round2", true);
            },
            seen::add,
            kept::add);
    assertEquals(List.of("p0", "p1"), asked);
    assertEquals(List.of("a", "b", "c"), seen);
    assertEquals(List.of("p1", "round2"), kept, "the position is kept after every page");
    assertEquals("user|push", outcome.orElseThrow().nextPayload());
  }

  @Test
  void aRunThatSpentItsPagesGoesOnInAPullOfItsOwn() {
    Optional<JobOutcome> outcome =
        step.pullPages(
            null,
            2,
            position -> new Page(List.of("x"), position == null ? "p1" : position + "1", false),
            seen::add,
            kept::add);
    assertEquals(List.of("p1", "p11"), kept);
    assertEquals("user|pull", outcome.orElseThrow().nextPayload());
  }

  @Test
  void anExpiredPositionStartsOneFullRoundAndASecondExpiryEndsTheRun() {
    Optional<JobOutcome> outcome =
        step.pullPages(
            "stale",
            5,
            position -> {
              asked.add(String.valueOf(position));
              if (position != null) {
                throw new ChangePositionExpired("gone");
              }
              return new Page(List.of("all"), "fresh", true);
            },
            seen::add,
            kept::add);
    assertEquals(List.of("stale", "null"), asked, "read again from the start");
    assertEquals(List.of("fresh"), kept);
    assertEquals("user|push", outcome.orElseThrow().nextPayload());

    assertThrows(
        ChangePositionExpired.class,
        () ->
            step.<String>pullPages(
                "stale",
                5,
                position -> {
                  throw new ChangePositionExpired("gone again");
                },
                seen::add,
                kept::add));
  }
}
