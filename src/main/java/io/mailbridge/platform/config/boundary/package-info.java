/** HTTP entry points of the platform: the JAX-RS application, error mapping and health checks. */
package io.mailbridge.platform.config.boundary;
