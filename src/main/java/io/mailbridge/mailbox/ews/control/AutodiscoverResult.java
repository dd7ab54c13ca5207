package io.mailbridge.mailbox.ews.control;

import java.net.URI;
import java.util.List;

/**
 * What autodiscover found: the EWS URL, the endpoint that answered with it, and every attempt
 * before (candidates that did not answer, redirects followed).
 */
public record AutodiscoverResult(URI ewsUrl, URI answeredBy, List<String> attempts) {}
