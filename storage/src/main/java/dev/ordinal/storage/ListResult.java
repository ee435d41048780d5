package dev.ordinal.storage;

import java.util.List;

/** The keys under a prefix as they were at {@code revision}, sorted by key. */
public record ListResult(List<KeyValue> items, long revision) {}
