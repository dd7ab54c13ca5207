/**
 * The typed failures every room throws ({@link io.mailbridge.platform.problem.DomainProblem} and
 * its kinds), named by meaning; the web boundary maps them to HTTP once, jobs decide retries on
 * them. Depends on nothing.
 */
package io.mailbridge.platform.problem;
