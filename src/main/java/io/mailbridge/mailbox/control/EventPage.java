package io.mailbridge.mailbox.control;

import java.util.List;

/**
 * One page of a calendar's changes and where to go on: {@code next} is the next page's position,
 * or, when {@code roundComplete}, where the next round starts.
 */
public record EventPage(List<MailEvent> changes, String next, boolean roundComplete) {}
