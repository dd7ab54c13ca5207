package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.capture.entity.CapturePhase;
import io.mailbridge.capture.entity.CaptureState;
import io.mailbridge.platform.audit.control.AuditLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Says each change of a mailbox's capture health an operator may act on, once, in the log and in
 * the audit log, with the sentence health shows: the backfill done, push unreachable and back,
 * reauthorization required, a failure, a stall, going on again after any of these, capture ended
 * because the mailbox is gone. Being throttled is not said: pacing does it many times an hour by
 * design, and the provider's own 429s are counted in the metrics.
 */
@ApplicationScoped
public class CaptureHealthChanges {

  private static final Logger LOG = Logger.getLogger(CaptureHealthChanges.class.getName());
  static final String RESUMED = "A page was read again; capture goes on";
  static final String PUSH_BACK = "The provider pushes changes to Mailbridge again";
  private static final Set<CaptureState> TROUBLES =
      Set.of(CaptureState.STALLED, CaptureState.ERROR, CaptureState.REAUTH_REQUIRED);

  @Inject AuditLog audit;

  /** A mailbox's health as it was before a change. */
  public record Before(CaptureState state, CapturePhase phase) {
    public static Before of(CaptureCursor cursor) {
      return new Before(cursor.state(), cursor.phase());
    }
  }

  /** One thing to say: the audit action and outcome, the sentence, and the log level. */
  record Said(String action, String outcome, String detail, Level level) {}

  /** Logs and audits what changed in {@code cursor}'s health since {@code before}. */
  public void said(CaptureCursor cursor, Before before) {
    for (Said said : changes(before, cursor)) {
      LOG.log(
          said.level(),
          () ->
              "Capture of mailbox "
                  + cursor.mailboxId()
                  + " "
                  + said.outcome()
                  + ": "
                  + said.detail());
      audit.record(
          cursor.orgId(), null, said.action(), cursor.mailboxId(), said.outcome(), said.detail());
    }
  }

  /** What to say of the change from {@code before} to {@code now}; nothing when none matters. */
  static List<Said> changes(Before before, CaptureCursor now) {
    List<Said> said = new ArrayList<>();
    if (before.phase() == CapturePhase.BACKFILLING && now.phase() == CapturePhase.LIVE) {
      said.add(
          new Said(
              "capture.backfilled",
              "ok",
              "The backfill is done ("
                  + now.seen()
                  + " items seen, "
                  + now.captured()
                  + " captured, "
                  + now.skipped()
                  + " skipped by the capture policy); capture follows the mailbox's changes now",
              Level.INFO));
    }
    CaptureState state = now.state();
    if (state == before.state()) {
      return said;
    }
    boolean running =
        state == CaptureState.BACKFILLING
            || state == CaptureState.LIVE
            || state == CaptureState.POLLING;
    if (running && TROUBLES.contains(before.state())) {
      said.add(new Said("capture.resumed", "ok", RESUMED, Level.INFO));
    }
    String reason = now.reason();
    switch (state) {
      case STALLED -> said.add(new Said("capture.stalled", "stalled", reason, Level.WARNING));
      case ERROR -> said.add(new Said("capture.error", "error", reason, Level.WARNING));
      case REAUTH_REQUIRED ->
          said.add(new Said("capture.reauth_required", "reauth_required", reason, Level.INFO));
      case POLLING -> said.add(new Said("capture.polling", "polling", reason, Level.INFO));
      case LIVE -> {
        if (before.state() == CaptureState.POLLING) {
          said.add(new Said("capture.live", "ok", PUSH_BACK, Level.INFO));
        }
      }
      case OFF -> {
        // Switched off by a person is audited where they did it; this is capture ending itself.
        if (reason != null) {
          said.add(new Said("capture.off", "off", reason, Level.INFO));
        }
      }
      default -> {
        // BACKFILLING after a trouble is said above; THROTTLED is not said (see the class).
      }
    }
    return said;
  }
}
