package io.mailbridge.it.support;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Turns Metro's endpoint monitoring off when the test deployment starts, before any EWS call. The
 * fake Exchange publishes a JAX-WS endpoint inside the server, and Metro's monitoring of it needs a
 * newer gmbal than the one Payara puts first. Metro reads the switch once, when its monitoring
 * class first loads, and that may be an EWS client call of any test (a capture job left in the
 * queue), so setting it where the fake starts came too late in some orders.
 */
@WebListener
public class MetroMonitoringOff implements ServletContextListener {

  @Override
  public void contextInitialized(ServletContextEvent event) {
    System.setProperty("com.sun.xml.ws.monitoring.endpoint", "false");
  }
}
