/** The sync settings for admins, each user's sync status, and the admins' list of users' sync. */
package io.mailbridge.sync.boundary;
