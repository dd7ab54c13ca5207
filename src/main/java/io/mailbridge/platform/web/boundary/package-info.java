/**
 * The web edge of the platform, what every HTTP request meets before and after the application: the
 * JAX-RS application and its JSON shape, body limits and JSON body checks, response headers, the
 * exception mappers and container error answers, health (liveness, readiness), the OpenAPI
 * document, the HTTP request metrics, list pages and page HTML escaping, and the one table that
 * turns typed domain problems into HTTP answers ({@link
 * io.mailbridge.platform.web.boundary.ErrorAnswer}, used by the JAX-RS mapper and the servlet
 * pages).
 */
package io.mailbridge.platform.web.boundary;
