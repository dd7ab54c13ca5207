package io.mailbridge.platform.web.boundary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LibraryScanMarkersTest {

  @Test
  void theMarkersAreRecognisedInAnyCase() {
    assertTrue(LibraryScanMarkers.isMarker("/WEB-INF__lib__guava-33.1.0-jre_jar"));
    // A file system that ignores case serves the same file under this name.
    assertTrue(LibraryScanMarkers.isMarker("/web-inf__LIB__guava-33.1.0-jre_jar"));
  }

  @Test
  void whatTheServerServesIsNoMarker() {
    for (String path :
        new String[] {"", "/", "/addin/taskpane.html", "/api/records", "/WEB-INF", "/webinf__x"}) {
      assertFalse(LibraryScanMarkers.isMarker(path), path);
    }
    assertFalse(LibraryScanMarkers.isMarker(null));
  }
}
