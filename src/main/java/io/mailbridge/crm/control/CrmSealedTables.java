package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.Activity;
import io.mailbridge.crm.entity.ActivityAttachment;
import io.mailbridge.crm.entity.AttachmentBlob;
import io.mailbridge.crm.entity.CrmRecord;
import io.mailbridge.platform.crypto.control.SealedTable;
import io.mailbridge.platform.crypto.control.SealedTables;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The sealed columns of records and activities, for key rotation. */
@ApplicationScoped
public class CrmSealedTables implements SealedTables {
  @Override
  public List<SealedTable> sealedTables() {
    return List.of(
        new SealedTable(CrmRecord.TABLE, "org_id", List.of("data")),
        new SealedTable(Activity.TABLE, "org_id", List.of("data")),
        new SealedTable(ActivityAttachment.TABLE, "org_id", List.of("meta")),
        // Up to 25 MB each: a few at a time.
        new SealedTable(AttachmentBlob.TABLE, "org_id", List.of("bytes"), 4));
  }
}
