/**
 * What every HTTP request meets before and after the application: body limits, JSON body checks,
 * response headers, allowed methods, container error answers, the OpenAPI document, readiness and
 * the HTTP request metrics.
 */
package io.mailbridge.platform.web.boundary;
