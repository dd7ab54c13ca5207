package io.mailbridge.crm.control;

import java.util.List;

/**
 * Records of one org that an activity is about to be linked to, checked once by {@link
 * ActivityStore#linkTargets}: a use case checks them before it reads a mailbox, and the store then
 * only loads them. Only the CRM makes these.
 */
public final class LinkTargets {

  private final String orgId;
  private final List<String> recordIds;

  LinkTargets(String orgId, List<String> recordIds) {
    this.orgId = orgId;
    this.recordIds = List.copyOf(recordIds);
  }

  public String orgId() {
    return orgId;
  }

  public List<String> recordIds() {
    return recordIds;
  }
}
