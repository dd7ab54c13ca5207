/** Stored productivity state: org switches, shortcuts, tracked emails and their events. */
package io.mailbridge.productivity.entity;
