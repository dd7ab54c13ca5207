package io.mailbridge.platform.web.boundary;

import java.util.Optional;

/**
 * What a domain says about the pages it serves: the Content-Security-Policy of a path, when that
 * path is one of its pages. A page whose policy names {@code frame-ancestors} decides its own
 * framing; every other answer may not be framed at all.
 */
public interface PagePolicy {

  Optional<String> contentSecurityPolicy(String path);
}
