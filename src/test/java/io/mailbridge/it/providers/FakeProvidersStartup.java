package io.mailbridge.it.providers;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

/**
 * Starts the fake providers inside the server when the test deployment starts, so tests that run in
 * the client JVM (the browser tests) find them there and drive them over HTTP.
 */
@ApplicationScoped
public class FakeProvidersStartup {

  void started(@Observes @Initialized(ApplicationScoped.class) Object event) {
    if (System.getenv("IT_FAKE_PROVIDERS_PORT") != null) {
      FakeProviders.get();
    }
  }
}
