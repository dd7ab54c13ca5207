package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.mailbox.ews.entity.ExchangeConnection;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.problem.InvalidField;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExchangeDiagnosisTest {

  /** A diagnosis whose org lists these hosts and has no saved connection. */
  private static ExchangeDiagnosis diagnosis(Map<String, HostRule> listed) {
    ExchangeDiagnosis diagnosis = new ExchangeDiagnosis();
    diagnosis.hosts =
        new ExchangeHosts() {
          @Override
          public OutboundPolicy policyFor(String orgId) {
            return host -> Optional.ofNullable(listed.get(host));
          }
        };
    diagnosis.connections =
        new ExchangeConnections() {
          @Override
          public Optional<ExchangeConnection> find(String orgId) {
            return Optional.empty();
          }
        };
    diagnosis.outbound = new OutboundHttp();
    diagnosis.timeout = Duration.ofSeconds(2);
    return diagnosis;
  }

  @Test
  void aHostNotOnTheAllowListIsOneRedStepAndNothingElseRuns() {
    List<DiagnosisStep> steps =
        diagnosis(Map.of()).diagnose("org", "169.254.169.254", null, null, null);
    assertEquals(1, steps.size());
    assertEquals("allow-list", steps.get(0).name());
    assertFalse(steps.get(0).ok());
    assertTrue(steps.get(0).fix().contains("/api/admin/exchange/hosts"));
  }

  @Test
  void loopbackWithoutThePrivateAddressExceptionIsRefusedAtTheAddressCheck() {
    List<DiagnosisStep> steps =
        diagnosis(Map.of("127.0.0.1", new HostRule(false, false)))
            .diagnose("org", "127.0.0.1", null, null, null);
    assertEquals(List.of("allow-list", "dns"), steps.stream().map(DiagnosisStep::name).toList());
    assertFalse(steps.get(1).ok());
    assertTrue(steps.get(1).fix().contains("mailbridge.outbound.allow-private-addresses"));
  }

  @Test
  void aClosedPortIsARedTcpStep() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    List<DiagnosisStep> steps =
        diagnosis(Map.of("127.0.0.1", new HostRule(false, true)))
            .diagnose("org", "127.0.0.1:" + closed, null, null, null);
    DiagnosisStep tcp = steps.get(steps.size() - 1);
    assertEquals("tcp", tcp.name());
    assertFalse(tcp.ok());
    assertTrue(tcp.fix().contains("port " + closed), tcp.fix());
  }

  @Test
  void aHostWithAPathOrAnEmailThatIsNoAddressIsRefusedAsARequestError() {
    ExchangeDiagnosis diagnosis = diagnosis(Map.of());
    assertEquals(
        "host",
        assertThrows(
                InvalidField.class,
                () -> diagnosis.diagnose("org", "mail.example/x", null, null, null))
            .field());
    assertEquals(
        "email",
        assertThrows(
                InvalidField.class,
                () -> diagnosis.diagnose("org", null, "not an address", null, null))
            .field());
  }

  @Test
  void autodiscoverWithoutASavedConnectionIsARedStep() {
    List<DiagnosisStep> steps =
        diagnosis(Map.of()).diagnose("org", null, "a@contoso.example", null, null);
    assertEquals(1, steps.size());
    assertEquals("autodiscover", steps.get(0).name());
    assertFalse(steps.get(0).ok());
    assertTrue(steps.get(0).detail().contains("service account"), steps.get(0).detail());
  }

  @Test
  void ewsAnswersBecomeStepsWithFixes() {
    DiagnosisStep unauthorized =
        ExchangeDiagnosis.ewsStep(
            "ews", InboxProbe.failed(null, null, "refused", 401), "svc", null, false);
    assertFalse(unauthorized.ok());
    assertTrue(unauthorized.detail().contains("HTTP 401"));
    assertTrue(unauthorized.fix().contains("password"));
    assertTrue(unauthorized.fix().contains("BasicAuthentication"));
    DiagnosisStep ntlmRefused =
        ExchangeDiagnosis.ewsStep(
            "ews", InboxProbe.failed(null, null, "refused", 401), "svc", null, true);
    assertTrue(ntlmRefused.fix().contains("WindowsAuthentication"));

    DiagnosisStep denied =
        ExchangeDiagnosis.ewsStep(
            "impersonation",
            InboxProbe.failed("ErrorImpersonateUserDenied", null, "no", 200),
            "svc",
            "alice@contoso.example",
            false);
    assertTrue(denied.detail().contains("ErrorImpersonateUserDenied"));
    assertTrue(denied.fix().contains("ApplicationImpersonation"));

    DiagnosisStep busy =
        ExchangeDiagnosis.ewsStep(
            "ews",
            InboxProbe.failed("ErrorServerBusy", Duration.ofMillis(50), "busy", 500),
            "svc",
            null,
            false);
    assertTrue(busy.detail().contains("ErrorServerBusy"));

    DiagnosisStep fine =
        ExchangeDiagnosis.ewsStep(
            "ews", InboxProbe.succeeded("15.2.1544.4", 3), "svc", null, false);
    assertTrue(fine.ok());
    assertTrue(fine.detail().contains("3 items"));
  }

  @Test
  void certificateProblemsGetTheirOwnFix() {
    assertTrue(
        ExchangeDiagnosis.fixFor(
                new OutboundFailure(
                    OutboundFailure.Reason.FAILED,
                    "x",
                    OutboundFailure.CertificateProblem.UNKNOWN_ISSUER),
                false)
            .contains("caBundlePem"));
    assertTrue(
        ExchangeDiagnosis.fixFor(
                new OutboundFailure(
                    OutboundFailure.Reason.FAILED, "x", OutboundFailure.CertificateProblem.EXPIRED),
                false)
            .contains("Renew"));
    assertTrue(
        ExchangeDiagnosis.fixFor(
                new OutboundFailure(
                    OutboundFailure.Reason.FAILED,
                    "x",
                    OutboundFailure.CertificateProblem.WRONG_HOST),
                false)
            .contains("subject alternative name"));
  }
}
