package io.mailbridge.platform.web.boundary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.platform.problem.BodyTooLarge;
import io.mailbridge.platform.problem.InvalidRequest;
import io.mailbridge.platform.web.boundary.JsonBodyGuard.Shape;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonBodyGuardTest {

  record Credentials(String email, String password) {}

  private static InvalidRequest refused(String body, Shape shape) {
    return assertThrows(
        InvalidRequest.class,
        () -> JsonBodyGuard.check(body.getBytes(StandardCharsets.UTF_8), shape));
  }

  @Test
  void theShapeFollowsTheParameterType() {
    assertEquals(Shape.OBJECT, Shape.of(JsonObject.class));
    assertEquals(Shape.OBJECT, Shape.of(Credentials.class));
    assertEquals(Shape.ARRAY, Shape.of(JsonArray.class));
    assertEquals(Shape.ARRAY, Shape.of(List.class));
    assertEquals(Shape.STRUCTURE, Shape.of(JsonValue.class));
    assertEquals(Shape.ANY, Shape.of(String.class));
  }

  @Test
  void anObjectIsTakenWhereAnObjectIsExpected() {
    assertDoesNotThrow(
        () -> JsonBodyGuard.check("  {\"a\":[1,{\"b\":null}]}\n".getBytes(), Shape.OBJECT));
    assertDoesNotThrow(() -> JsonBodyGuard.check("[{}]".getBytes(), Shape.STRUCTURE));
  }

  @Test
  void wrongTypesAreRefusedWithTheirName() {
    assertEquals("Send a JSON object, not null", refused("null", Shape.OBJECT).getMessage());
    assertEquals("Send a JSON object, not an array", refused("[]", Shape.OBJECT).getMessage());
    assertEquals("Send a JSON object, not a string", refused("\"x\"", Shape.OBJECT).getMessage());
    assertEquals("Send a JSON object, not a number", refused("5", Shape.OBJECT).getMessage());
    assertEquals("Send a JSON array, not an object", refused("{}", Shape.ARRAY).getMessage());
    assertEquals(
        "Send a JSON object or array, not null", refused("null", Shape.STRUCTURE).getMessage());
    InvalidRequest empty = refused("   ", Shape.OBJECT);
    assertEquals(400, ErrorAnswer.status(empty));
    assertEquals("invalid_json", empty.code());
  }

  @Test
  void nestingDeeperThanTheLimitIsRefused() {
    String atLimit =
        "{\"a\":".repeat(JsonBodyGuard.MAX_DEPTH - 1)
            + "[]"
            + "}".repeat(JsonBodyGuard.MAX_DEPTH - 1);
    assertDoesNotThrow(() -> JsonBodyGuard.check(atLimit.getBytes(), Shape.OBJECT));
    String deeper = "{\"a\":".repeat(5000) + "1" + "}".repeat(5000);
    assertTrue(refused(deeper, Shape.OBJECT).getMessage().contains("nested more than 32"));
  }

  @Test
  void anythingAfterTheValueIsRefused() {
    refused("{\"a\":1}xyz", Shape.OBJECT);
    refused("{\"a\":1} {}", Shape.OBJECT);
    refused("{\"a\":1}]", Shape.OBJECT);
    assertDoesNotThrow(() -> JsonBodyGuard.check("{\"a\":1}  \r\n".getBytes(), Shape.OBJECT));
  }

  @Test
  void malformedJsonSaysWhereButNotWhat() {
    InvalidRequest problem = refused("{\"password\": secret-value}", Shape.OBJECT);
    assertTrue(problem.getMessage().startsWith("The request body is not valid JSON"));
    assertTrue(!problem.getMessage().contains("secret"), problem.getMessage());
  }

  @Test
  void aBodyIsReadUpToItsLimitAndNoFurther() throws Exception {
    byte[] body = "{\"a\":\"bcd\"}".getBytes();
    assertArrayEquals(body, JsonBodyGuard.readAtMost(new ByteArrayInputStream(body), body.length));
    BodyTooLarge tooLarge =
        assertThrows(
            BodyTooLarge.class,
            () -> JsonBodyGuard.readAtMost(new ByteArrayInputStream(body), body.length - 1));
    assertEquals(413, ErrorAnswer.status(tooLarge));
    assertEquals("body_too_large", tooLarge.code());
  }
}
