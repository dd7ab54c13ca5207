/**
 * Record and activity services, the one storage path for emails ({@code ActivityStore}, which also
 * checks link targets once for a use case that must know before it reads a mailbox), and
 * participant matching.
 */
package io.mailbridge.crm.control;
