/**
 * HTTP entry points of the platform: the JAX-RS application, the mappers of framework failures and
 * health checks (typed domain problems are mapped in {@code platform.web.boundary}).
 */
package io.mailbridge.platform.config.boundary;
