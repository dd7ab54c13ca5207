package io.mailbridge.platform.startup.control;

import jakarta.enterprise.context.ApplicationScoped;

/** Set once start-up work after migration (keys, bootstrap admin) is finished. */
@ApplicationScoped
public class StartupState {
  private volatile boolean ready;

  public void markReady() {
    ready = true;
  }

  public boolean isReady() {
    return ready;
  }
}
