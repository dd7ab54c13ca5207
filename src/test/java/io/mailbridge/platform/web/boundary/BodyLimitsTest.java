package io.mailbridge.platform.web.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BodyLimitsTest {

  @Test
  void onlyTheCsvImportGetsTheLargeLimit() {
    BodyLimits limits = new BodyLimits();
    limits.maxJsonBytes = 100;
    limits.maxImportBytes = 5000;
    assertEquals(5000, limits.forPath("/api/records/contacts/import"));
    assertEquals(100, limits.forPath("/api/records/contacts"));
    assertEquals(100, limits.forPath("/api/records/contacts/import/x"));
    assertEquals(100, limits.forPath("/api/auth/login"));
    assertEquals(100, limits.forPath("/addin/signup"));
    assertEquals(100, limits.forPath(null));
  }
}
