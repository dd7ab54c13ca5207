package io.mailbridge.platform.web.boundary;

import java.util.List;

/** A page of a list: {@code {"items": [...], "next": cursor|null}}. */
public record Page<T>(List<T> items, String next) {}
