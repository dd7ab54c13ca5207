package io.mailbridge.productivity.boundary;

import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import io.mailbridge.platform.web.boundary.PageHtml;
import io.mailbridge.productivity.control.Availability;
import io.mailbridge.productivity.control.Availability.OfferPage;
import io.mailbridge.productivity.control.BookingThrottle;
import io.mailbridge.productivity.control.FreeSlots.Slot;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * {@code GET /book/{token}}: the public page where a recipient books one of the offered slots. It
 * shows the rep's display name and the open slots, never anything else of the calendar; a forged,
 * unknown or expired link gets a short page without details. The booking itself is the script's
 * call to {@code POST /api/availability/{id}/book}.
 */
@WebServlet(name = "BookingPage", urlPatterns = "/book/*")
public class BookingPage extends HttpServlet {

  static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("EEEE d MMMM yyyy", Locale.ENGLISH);
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

  @Inject Availability availability;
  @Inject BookingThrottle throttle;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("text/html; charset=UTF-8");
    OfferPage page;
    try {
      throttle.check(request.getRemoteAddr());
      page = availability.page(TrackingPaths.token(request));
    } catch (DomainProblem problem) {
      ErrorAnswer answer = ErrorAnswer.of(problem);
      response.setStatus(answer.status());
      if (answer.retryAfterSeconds() != null) {
        response.setHeader("Retry-After", String.valueOf(answer.retryAfterSeconds()));
      }
      String text =
          switch (answer.status()) {
            case 410 -> "This booking link has expired. Please ask for a new one.";
            case 429 -> "Too many requests. Please try again in a minute.";
            case 404 -> "This booking link is not valid.";
            default -> "This page cannot be shown right now. Please try again later.";
          };
      response.getWriter().write(shell("Booking", "<p class=\"notice\">" + text + "</p>"));
      return;
    }
    response.getWriter().write(html(page));
  }

  static String html(OfferPage page) {
    ZoneId zone = ZoneId.of(page.timeZone());
    StringBuilder body = new StringBuilder();
    body.append("<main id=\"booking\" data-offer=\"")
        .append(PageHtml.escape(page.offerId()))
        .append("\" data-zone=\"")
        .append(PageHtml.escape(page.timeZone()))
        .append("\">");
    body.append("<h1>Book a meeting with <span id=\"rep\">")
        .append(PageHtml.escape(page.repName()))
        .append("</span></h1>");
    if (page.slots().isEmpty()) {
      body.append("<p class=\"notice\" id=\"status\" role=\"status\">")
          .append(
              page.booked()
                  ? "This invitation was already used to book a meeting."
                  : "No time is left to book.")
          .append("</p></main>");
      return shell("Book a meeting", body.toString());
    }
    body.append("<p>Pick a time for a meeting of ")
        .append(page.durationMinutes())
        .append(" minutes. Times are in ")
        .append(PageHtml.escape(page.timeZone()))
        .append(".</p>");
    body.append("<form id=\"book-form\" novalidate><fieldset id=\"slots\"><legend>Times</legend>");
    int n = 0;
    for (Slot slot : page.slots()) {
      String id = "slot-" + n++;
      body.append("<div class=\"slot\"><input type=\"radio\" name=\"slot\" id=\"")
          .append(id)
          .append("\" value=\"")
          .append(slot.start())
          .append("\"><label for=\"")
          .append(id)
          .append("\">")
          .append(PageHtml.escape(label(slot, zone)))
          .append("</label></div>");
    }
    body.append("</fieldset>")
        .append("<label for=\"name\">Your name</label>")
        .append(
            "<input id=\"name\" name=\"name\" maxlength=\"200\" autocomplete=\"name\" required>")
        .append("<label for=\"email\">Your email</label>")
        .append(
            "<input id=\"email\" name=\"email\" type=\"email\" maxlength=\"254\""
                + " autocomplete=\"email\" required>")
        .append("<button type=\"submit\" id=\"book\">Book this time</button></form>")
        .append("<p id=\"status\" role=\"status\"></p></main>");
    return shell("Book a meeting", body.toString());
  }

  static String label(Slot slot, ZoneId zone) {
    return DAY.format(slot.start().atZone(zone))
        + ", "
        + TIME.format(slot.start().atZone(zone))
        + "\u2013"
        + TIME.format(slot.end().atZone(zone));
  }

  private static String shell(String title, String body) {
    // Relative links: the page lives at /book/{token} under whatever context root the WAR has.
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"robots\" content=\"noindex\">"
        + "<title>"
        + PageHtml.escape(title)
        + "</title><link rel=\"stylesheet\" href=\"../booking/booking.css\">"
        + "<script src=\"../booking/booking.js\" defer></script></head><body>"
        + body
        + "</body></html>";
  }
}
