package io.mailbridge.platform.web.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mailbridge.platform.problem.AttachmentTooLarge;
import io.mailbridge.platform.problem.BodyTooLarge;
import io.mailbridge.platform.problem.Conflict;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.Expired;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.problem.NotAllowed;
import io.mailbridge.platform.problem.NotAuthenticated;
import io.mailbridge.platform.problem.NotFound;
import io.mailbridge.platform.problem.TooManyRequests;
import io.mailbridge.platform.problem.Unavailable;
import io.mailbridge.platform.problem.UpstreamFailure;
import io.mailbridge.platform.problem.UpstreamTimeout;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorAnswerTest {

  @Test
  void eachKindHasTheStatusTheApiAlwaysGaveIt() {
    assertEquals(400, ErrorAnswer.status(new InvalidRequest("invalid_json", "Send JSON")));
    assertEquals(400, ErrorAnswer.status(new InvalidField("limit", "must be 1 to 200")));
    assertEquals(401, ErrorAnswer.status(new NotAuthenticated("unauthorized", "Sign in first")));
    assertEquals(403, ErrorAnswer.status(new NotAllowed("Not yours")));
    assertEquals(404, ErrorAnswer.status(new NotFound("Record")));
    assertEquals(409, ErrorAnswer.status(new Conflict("email_taken", "taken")));
    assertEquals(410, ErrorAnswer.status(new Expired("signup_ticket_invalid", "gone")));
    assertEquals(413, ErrorAnswer.status(new BodyTooLarge("too large")));
    assertEquals(413, ErrorAnswer.status(new AttachmentTooLarge("too_large", "too large")));
    assertEquals(429, ErrorAnswer.status(new TooManyRequests("wait", Duration.ofMinutes(2))));
    assertEquals(502, ErrorAnswer.status(new UpstreamFailure("attachment_unreadable", "x")));
    assertEquals(503, ErrorAnswer.status(new Unavailable("interrupted", "shutting down")));
    assertEquals(504, ErrorAnswer.status(new UpstreamTimeout("x_timeout", "late")));
  }

  @Test
  void aKindNobodyListedIsAServerFailureNotTheCallers() {
    DomainProblem unlisted = new DomainProblem("odd", "odd") {};
    assertEquals(500, ErrorAnswer.status(unlisted));
  }

  @Test
  void codesAndMessagesStayAsTheyWere() {
    InvalidField field = new InvalidField("email", "is required");
    assertEquals("invalid_field", field.code());
    assertEquals("email: is required", field.getMessage());
    assertEquals("not_found", new NotFound("Mailbox m1").code());
    assertEquals("Mailbox m1 not found", new NotFound("Mailbox m1").getMessage());
    assertEquals("forbidden", new NotAllowed("no").code());
    assertEquals("body_too_large", new BodyTooLarge("big").code());
    assertEquals("too_many_requests", new TooManyRequests("wait", Duration.ofSeconds(3)).code());
  }

  @Test
  void extraFieldsAndRetryAfterGoWithTheAnswer() {
    DomainProblem challenge =
        new NotAuthenticated("interaction_required", "sign in again")
            .with("claims", "{\"access_token\":{}}");
    assertEquals(Map.of("claims", "{\"access_token\":{}}"), challenge.details());
    assertEquals(401, ErrorAnswer.of(challenge).status());
    assertEquals(null, ErrorAnswer.of(challenge).retryAfterSeconds());
    assertEquals(
        90L,
        ErrorAnswer.of(new TooManyRequests("wait", Duration.ofSeconds(90))).retryAfterSeconds());
    assertThrows(
        IllegalArgumentException.class, () -> new NotFound("x").with("error", "overwritten"));
    assertEquals(Map.of(), new NotFound("x").details());
  }
}
