/**
 * What every HTTP request meets before and after the application: body limits, JSON body checks,
 * response headers, allowed methods, container error answers, the OpenAPI document, readiness, and
 * the one table that turns typed domain problems into HTTP answers ({@link
 * io.mailbridge.platform.web.boundary.ErrorAnswer}, used by the JAX-RS mapper and the pages).
 */
package io.mailbridge.platform.web.boundary;
