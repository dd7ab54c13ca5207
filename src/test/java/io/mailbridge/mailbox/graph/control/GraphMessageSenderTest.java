package io.mailbridge.mailbox.graph.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.microsoft.kiota.ApiException;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.mailbox.control.SendRefused;
import org.junit.jupiter.api.Test;

class GraphMessageSenderTest {

  private static ApiException answered(int status) {
    return new ApiException() {
      {
        setResponseStatusCode(status);
      }
    };
  }

  @Test
  void aClientErrorRefusesTheSendForGood() {
    for (int status : new int[] {400, 401, 403, 404, 413}) {
      assertInstanceOf(
          SendRefused.class, GraphMessageSender.sendProblem(answered(status)), "" + status);
    }
    assertEquals("graph_unauthorized", GraphMessageSender.sendProblem(answered(401)).code());
  }

  @Test
  void throttlingAndServerErrorsMayPass() {
    for (int status : new int[] {429, 503, 504}) {
      assertInstanceOf(
          ProviderBusy.class, GraphMessageSender.sendProblem(answered(status)), "" + status);
    }
    assertEquals(
        false, GraphMessageSender.sendProblem(answered(500)) instanceof SendRefused, "500");
    assertEquals(
        false, GraphMessageSender.sendProblem(answered(408)) instanceof SendRefused, "408");
  }
}
