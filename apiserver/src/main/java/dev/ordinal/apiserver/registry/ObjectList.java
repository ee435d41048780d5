package dev.ordinal.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One page of a list.
 *
 * @param continueToken empty on the last page
 * @param remaining objects after this page, or null when unknown
 */
public record ObjectList(List<ObjectNode> items, String resourceVersion, String continueToken, Long remaining) {}
