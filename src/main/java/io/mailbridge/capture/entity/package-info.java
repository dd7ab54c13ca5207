/** What capture stores: an org's capture settings and each mailbox's capture cursor. */
package io.mailbridge.capture.entity;
