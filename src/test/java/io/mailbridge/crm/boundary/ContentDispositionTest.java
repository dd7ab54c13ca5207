package io.mailbridge.crm.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ContentDispositionTest {

  @Test
  void namesAreQuotedSafelyWithTheExactNameInUtf8() {
    assertEquals(
        "attachment; filename=\"Angebot_M_ller.pdf\"; filename*=UTF-8''Angebot_M%C3%BCller.pdf",
        ActivitiesResource.contentDisposition("Angebot_Müller.pdf"));
    assertEquals(
        "attachment; filename=\"a'b_c.txt\"; filename*=UTF-8''a%22b%5Cc.txt",
        ActivitiesResource.contentDisposition("a\"b\\c.txt"));
  }
}
