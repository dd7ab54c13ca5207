package io.mailbridge.crm.control;

import jakarta.json.JsonValue;

/**
 * Adds another part's detail of an activity (productivity's open and click tracking of a sent
 * email) to the activity's JSON without the CRM knowing that part: implementations are CDI beans.
 */
public interface ActivityDetail {

  /** The field of the activity's JSON this detail fills, e.g. {@code tracking}. */
  String field();

  /** The detail of this activity, or null when there is nothing to say (the field is null). */
  JsonValue of(String orgId, String activityId);
}
