package io.mailbridge.mailbox.control;

/** One allow-list entry as the admin API shows and takes it. */
public record ExchangeHostEntry(String host, boolean plainHttp, boolean privateAddress) {}
