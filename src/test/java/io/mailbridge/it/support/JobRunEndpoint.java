package io.mailbridge.it.support;

import io.mailbridge.platform.jobs.control.JobPump;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code POST /__it/jobs/run} in the test deployment only: runs the due jobs once, as the timer
 * would (it is off in the suite), so browser tests in the client JVM can let work progress.
 */
@WebServlet(name = "JobRunEndpoint", urlPatterns = "/__it/jobs/run")
public class JobRunEndpoint extends HttpServlet {

  @Inject JobPump pump;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    int ran = pump.drain("it-browser", 10);
    response.setContentType("application/json");
    response.getWriter().write("{\"ran\":" + ran + "}");
  }
}
