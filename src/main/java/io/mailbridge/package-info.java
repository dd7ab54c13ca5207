/** Mailbridge: the self-hosted email and calendar integration server for a CRM. */
package io.mailbridge;
