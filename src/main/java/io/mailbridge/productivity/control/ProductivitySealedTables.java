package io.mailbridge.productivity.control;

import io.mailbridge.platform.crypto.control.SealedTable;
import io.mailbridge.platform.crypto.control.SealedTables;
import io.mailbridge.productivity.entity.AvailabilityBooking;
import io.mailbridge.productivity.entity.ScheduledSend;
import io.mailbridge.productivity.entity.Shortcut;
import io.mailbridge.productivity.entity.TrackedEmail;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The sealed columns of shortcuts, tracked emails, scheduled sends and bookings, for key rotation.
 */
@ApplicationScoped
public class ProductivitySealedTables implements SealedTables {
  @Override
  public List<SealedTable> sealedTables() {
    return List.of(
        new SealedTable(Shortcut.TABLE, "org_id", List.of("name", "text")),
        new SealedTable(TrackedEmail.TABLE, "org_id", List.of("data")),
        new SealedTable(ScheduledSend.TABLE, "org_id", List.of("mime", "subject")),
        new SealedTable(
            AvailabilityBooking.TABLE, "org_id", List.of("attendee_name", "attendee_email")));
  }
}
