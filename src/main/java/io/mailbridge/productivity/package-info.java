/** Productivity in the compose window: org switches, text shortcuts and open/click tracking. */
package io.mailbridge.productivity;
