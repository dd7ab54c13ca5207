package io.mailbridge.crm.control;

import io.mailbridge.crm.entity.CrmRecord;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The matched records of each participant, with their fields, in the order asked. */
@ApplicationScoped
public class ParticipantContext {

  @Inject ParticipantMatcher matcher;
  @Inject Records records;

  /**
   * Like {@link #of}, for addresses read from a message's headers: addresses that are not usable
   * are skipped and the list is capped, since the sender chose them, not the caller.
   */
  public JsonObject ofMessage(String orgId, List<String> emails) {
    return of(
        orgId,
        emails.stream()
            .filter(e -> RecordFields.EMAIL.matcher(e).matches())
            .distinct()
            .limit(ParticipantMatcher.MAX_PARTICIPANTS)
            .toList());
  }

  public JsonObject of(String orgId, List<String> emails) {
    if (emails.size() > ParticipantMatcher.MAX_PARTICIPANTS) {
      throw new InvalidField(
          "emails", "at most " + ParticipantMatcher.MAX_PARTICIPANTS + " addresses at once");
    }
    for (String email : emails) {
      if (!RecordFields.EMAIL.matcher(email).matches()) {
        throw new InvalidField("emails", "\"" + email + "\" is not an email address");
      }
    }
    List<ParticipantMatcher.Match> matches = matcher.match(orgId, emails);
    List<String> ids = new ArrayList<>();
    for (ParticipantMatcher.Match match : matches) {
      ids.addAll(match.contactIds());
      ids.addAll(match.leadIds());
      ids.addAll(match.accountIds());
    }
    Map<String, JsonObject> views = new HashMap<>();
    for (CrmRecord record : records.load(ids.stream().distinct().toList())) {
      views.put(record.id(), records.view(record));
    }
    JsonArrayBuilder participants = CrmJson.array();
    for (ParticipantMatcher.Match match : matches) {
      participants.add(
          CrmJson.object()
              .add("email", match.email())
              .add("contacts", array(match.contactIds(), views))
              .add("leads", array(match.leadIds(), views))
              .add("accounts", array(match.accountIds(), views)));
    }
    return CrmJson.object().add("participants", participants).build();
  }

  private static JsonArrayBuilder array(List<String> ids, Map<String, JsonObject> views) {
    JsonArrayBuilder array = CrmJson.array();
    ids.stream().map(views::get).filter(v -> v != null).forEach(array::add);
    return array;
  }
}
