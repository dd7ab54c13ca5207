package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeAutodiscover;
import io.mailbridge.it.exchange.FakeAutodiscover.Ews;
import io.mailbridge.it.exchange.FakeAutodiscover.Http302;
import io.mailbridge.it.exchange.FakeAutodiscover.Missing;
import io.mailbridge.it.exchange.FakeAutodiscover.RedirectAddress;
import io.mailbridge.it.exchange.FakeAutodiscover.RedirectUrl;
import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.it.exchange.FakeNtlm;
import io.mailbridge.it.exchange.TestCertificates;
import io.mailbridge.platform.outbound.control.HostRule;
import io.mailbridge.platform.outbound.control.OutboundHttp;
import io.mailbridge.platform.outbound.control.OutboundPolicy;
import io.mailbridge.platform.outbound.control.OutboundTrust;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Autodiscover against the fake Exchange over HTTPS on loopback, its candidates' origins mapped to
 * the fake: SOAP first, POX as fallback, redirects (HTTP, RedirectUrl, RedirectAddress) followed
 * within bounds and through the policy, NTLM as the service account.
 */
class AutodiscoverTest {

  static final String SVC = FakeAutodiscover.SOAP_PATH;
  static final String XML = FakeAutodiscover.POX_PATH;

  static TestCertificates.SigningKey tls;
  static FakeExchange fake;
  static OutboundTrust trust;

  // Only the fake's address is listed: every other host, documented candidates included, is not.
  static final OutboundPolicy POLICY =
      host -> host.equals("127.0.0.1") ? Optional.of(new HostRule(false, true)) : Optional.empty();
  static final Autodiscover.Credential BASIC =
      new Autodiscover.Credential(
          "Basic "
              + Base64.getEncoder()
                  .encodeToString("CONTOSO\\svc:pw".getBytes(StandardCharsets.UTF_8)),
          null);

  @BeforeAll
  static void start() {
    tls = TestCertificates.createServer("Fake Exchange", "IP:127.0.0.1");
    fake = FakeExchange.startTls(tls);
    trust = OutboundTrust.withAuthorities(List.of(tls.certificate()));
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  private static Autodiscover autodiscover(String... domains) {
    Autodiscover autodiscover = new Autodiscover();
    autodiscover.outbound = new OutboundHttp();
    autodiscover.timeout = Duration.ofSeconds(20);
    StringBuilder origins = new StringBuilder();
    for (String domain : domains) {
      origins.append("https://").append(domain).append('=').append(fake.base()).append(',');
    }
    autodiscover.candidateOrigins = Optional.of(origins.toString());
    return autodiscover;
  }

  private static String at(String path) {
    return fake.base() + path;
  }

  @Test
  void soapGetUserSettingsGivesTheExternalEwsUrl() throws Exception {
    fake.autodiscover.answer(SVC, "alice@soap.example", new Ews(fake.ewsUrl()));
    long before = fake.autodiscover.requests.size();
    AutodiscoverResult found =
        autodiscover("soap.example").find("alice@soap.example", BASIC, POLICY, trust);
    assertEquals(URI.create(fake.ewsUrl()), found.ewsUrl());
    assertEquals(URI.create(at(SVC)), found.answeredBy());
    assertTrue(found.attempts().get(0).contains("ExternalEwsUrl"), found.attempts().toString());
    FakeAutodiscover.Received request = fake.autodiscover.requests.get((int) before);
    assertEquals(BASIC.authorization(), request.authorization());
    assertTrue(request.body().contains("<a:Mailbox>alice@soap.example</a:Mailbox>"));
    assertTrue(request.body().contains("<a:Setting>ExternalEwsUrl</a:Setting>"));
    assertTrue(request.body().contains("RequestedServerVersion>Exchange2013<"));
  }

  @Test
  void poxAnswersWhenTheSoapEndpointIsMissing() throws Exception {
    fake.autodiscover.answer(SVC, "bob@pox.example", new Missing());
    fake.autodiscover.answer(XML, "bob@pox.example", new Ews(fake.ewsUrl()));
    AutodiscoverResult found =
        autodiscover("pox.example").find("bob@pox.example", BASIC, POLICY, trust);
    assertEquals(URI.create(fake.ewsUrl()), found.ewsUrl());
    assertEquals(URI.create(at(XML)), found.answeredBy());
    assertTrue(found.attempts().get(0).contains("HTTP 404"), found.attempts().toString());
    assertTrue(found.attempts().get(1).contains("EXPR"), found.attempts().toString());
  }

  @Test
  void redirectsOfEveryKindAreFollowed() throws Exception {
    fake.autodiscover.answer(SVC, "carol@chain.example", new Http302(at("/hop1" + SVC)));
    fake.autodiscover.answer(
        "/hop1" + SVC, "carol@chain.example", new RedirectUrl(at("/hop2" + SVC)));
    fake.autodiscover.answer(
        "/hop2" + SVC, "carol@chain.example", new RedirectAddress("carol@moved.example"));
    fake.autodiscover.answer(SVC, "carol@moved.example", new Missing());
    fake.autodiscover.answer(XML, "carol@moved.example", new RedirectUrl(at("/hop3" + XML)));
    fake.autodiscover.answer("/hop3" + XML, "carol@moved.example", new Ews(fake.ewsUrl()));
    AutodiscoverResult found =
        autodiscover("chain.example", "moved.example")
            .find("carol@chain.example", BASIC, POLICY, trust);
    assertEquals(URI.create(fake.ewsUrl()), found.ewsUrl());
    assertEquals(URI.create(at("/hop3" + XML)), found.answeredBy());
  }

  @Test
  void aRedirectLoopIsRefused() {
    fake.autodiscover.answer(SVC, "dave@loop.example", new Http302(at("/a" + SVC)));
    fake.autodiscover.answer("/a" + SVC, "dave@loop.example", new RedirectUrl(at(SVC)));
    AutodiscoverFailed failed =
        assertThrows(
            AutodiscoverFailed.class,
            () -> autodiscover("loop.example").find("dave@loop.example", BASIC, POLICY, trust));
    assertTrue(failed.getMessage().contains("loop"), failed.getMessage());

    fake.autodiscover.answer(SVC, "erin@loop.example", new RedirectAddress("frank@loop.example"));
    fake.autodiscover.answer(SVC, "frank@loop.example", new RedirectAddress("erin@loop.example"));
    AutodiscoverFailed addresses =
        assertThrows(
            AutodiscoverFailed.class,
            () -> autodiscover("loop.example").find("erin@loop.example", BASIC, POLICY, trust));
    assertTrue(addresses.getMessage().contains("loop"), addresses.getMessage());
  }

  @Test
  void moreThanTenRedirectsAreRefused() {
    for (int i = 0; i < 12; i++) {
      fake.autodiscover.answer(
          (i == 0 ? "" : "/r" + i) + SVC,
          "gina@far.example",
          new Http302(at("/r" + (i + 1) + SVC)));
    }
    AutodiscoverFailed failed =
        assertThrows(
            AutodiscoverFailed.class,
            () -> autodiscover("far.example").find("gina@far.example", BASIC, POLICY, trust));
    assertTrue(failed.getMessage().contains("more than 10"), failed.getMessage());
    assertEquals(0, fake.autodiscover.count("/r12" + SVC));
  }

  @Test
  void aRedirectToAHostOffTheAllowListIsNotFollowed() {
    // localhost is the same fake, but not on the allow-list: nothing may reach it.
    String offList = "https://localhost:" + fake.port() + "/ssrf" + SVC;
    fake.autodiscover.answer(SVC, "hank@ssrf.example", new RedirectUrl(offList));
    fake.autodiscover.answer(XML, "hank@ssrf.example", new Http302(offList));
    fake.autodiscover.answer("/ssrf" + SVC, "hank@ssrf.example", new Ews(fake.ewsUrl()));
    AutodiscoverFailed failed =
        assertThrows(
            AutodiscoverFailed.class,
            () -> autodiscover("ssrf.example").find("hank@ssrf.example", BASIC, POLICY, trust));
    assertEquals(0, fake.autodiscover.count("/ssrf" + SVC));
    String attempts = String.join("\n", failed.attempts());
    assertTrue(attempts.contains("localhost is not on the allow-list"), attempts);
    assertTrue(attempts.contains("autodiscover.ssrf.example is not on the allow-list"), attempts);
    assertTrue(attempts.contains("http://autodiscover.ssrf.example" + XML), attempts);
  }

  @Test
  void ntlmSignsInWithAHandshakeAndAWrongPasswordIsRefused() throws Exception {
    FakeExchange ntlmFake = FakeExchange.startTls(tls);
    try {
      FakeNtlm ntlm = ntlmFake.requireNtlm("CONTOSO", "svc-mailbridge", "right horse");
      ntlmFake.autodiscover.answer(SVC, "ivy@ntlm.example", new Ews(ntlmFake.ewsUrl()));
      Autodiscover autodiscover = new Autodiscover();
      autodiscover.outbound = new OutboundHttp();
      autodiscover.timeout = Duration.ofSeconds(20);
      autodiscover.candidateOrigins = Optional.of("https://ntlm.example=" + ntlmFake.base());

      AutodiscoverResult found =
          autodiscover.find(
              "ivy@ntlm.example",
              new Autodiscover.Credential(
                  null, new NtlmAccount("CONTOSO", "svc-mailbridge", "right horse")),
              POLICY,
              trust);
      assertEquals(URI.create(ntlmFake.ewsUrl()), found.ewsUrl());
      assertEquals(1, ntlm.negotiations.get());
      assertEquals(1, ntlm.accepted.get());

      AutodiscoverFailed wrong =
          assertThrows(
              AutodiscoverFailed.class,
              () ->
                  autodiscover.find(
                      "ivy@ntlm.example",
                      new Autodiscover.Credential(
                          null, new NtlmAccount("CONTOSO", "svc-mailbridge", "wrong horse")),
                      POLICY,
                      trust));
      assertTrue(
          wrong.attempts().get(0).contains("refused the service account's credentials"),
          wrong.attempts().toString());
      assertEquals(1, ntlm.accepted.get());
      assertTrue(ntlm.refused.get() >= 1);
    } finally {
      ntlmFake.close();
    }
  }
}
