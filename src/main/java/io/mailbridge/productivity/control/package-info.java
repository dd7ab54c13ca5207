/**
 * Productivity services: the org's switches, shortcuts and their merge fields, tracking tokens,
 * link rewriting and the machine-open rules.
 */
package io.mailbridge.productivity.control;
