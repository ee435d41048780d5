package dev.ordinal.apiserver.printing;

/** What each Table row carries besides its cells ({@code ?includeObject=}). */
public enum IncludeObject {
  NONE,
  /** A PartialObjectMetadata: what kubectl needs for labels, namespaces and sorting. The default. */
  METADATA,
  OBJECT
}
