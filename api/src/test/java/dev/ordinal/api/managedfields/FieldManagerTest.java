package dev.ordinal.api.managedfields;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.patch.KubernetesPatchSchemas;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class FieldManagerTest {
  private static final FieldSchema STS = PatchFieldSchema.of(KubernetesPatchSchemas.forKind("apps/v1/StatefulSet").orElseThrow());
  private static final String T0 = "2026-01-01T00:00:00Z";
  private static final String T1 = "2026-01-01T00:01:00Z";

  private final FieldManager fm = new FieldManager(STS, "apps/v1", true);

  static JsonNode json(String singleQuoted) {
    try {
      return Json.MAPPER.readTree(singleQuoted.replace('\'', '"'));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(singleQuoted, e);
    }
  }

  static ObjectNode obj(String singleQuoted) {
    return (ObjectNode) json(singleQuoted);
  }

  private static ObjectNode sts(String spec) {
    return obj("{'apiVersion':'apps/v1','kind':'StatefulSet','metadata':{'name':'web','namespace':'ns','uid':'u'},'spec':"
        + spec + "}");
  }

  private static JsonNode fieldsOf(ObjectNode o, String manager, String operation) {
    for (JsonNode e : o.path("metadata").path("managedFields")) {
      if (e.path("manager").asText().equals(manager) && e.path("operation").asText().equals(operation)) {
        return e.get("fieldsV1");
      }
    }
    return null;
  }

  record FieldsCase(String name, String old, String updated, String expected) {}

  /** fieldsV1 of the Update entry a create or update records. */
  @TestFactory
  Stream<DynamicTest> fieldsV1OfUpdates() {
    return Stream.of(
        new FieldsCase("scalars", null, "{'replicas':3,'serviceName':'web'}",
            "{'f:spec':{'f:replicas':{},'f:serviceName':{}}}"),
        new FieldsCase("map list items are keyed, with '.' for the item and the added list",
            null, "{'template':{'spec':{'containers':[{'name':'c','image':'i','ports':[{'containerPort':80}]}]}}}",
            "{'f:spec':{'f:template':{'f:spec':{'f:containers':{'.':{},'k:{\\'name\\':\\'c\\'}':{'.':{},'f:image':{},'f:name':{},"
                + "'f:ports':{'.':{},'k:{\\'containerPort\\':80}':{'.':{},'f:containerPort':{}}}}}}}}}"),
        new FieldsCase("labels are a granular map, the selector atomic",
            null, "{'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}}}}",
            "{'f:spec':{'f:selector':{},'f:template':{'f:metadata':{'f:labels':{'.':{},'f:app':{}}}}}}"),
        new FieldsCase("only what changed", "{'replicas':1,'serviceName':'web'}", "{'replicas':2,'serviceName':'web'}",
            "{'f:spec':{'f:replicas':{}}}"),
        new FieldsCase("atomic lists are one field", "{'template':{'spec':{'containers':[{'name':'c','args':['a']}]}}}",
            "{'template':{'spec':{'containers':[{'name':'c','args':['a','b']}]}}}",
            "{'f:spec':{'f:template':{'f:spec':{'f:containers':{'k:{\\'name\\':\\'c\\'}':{'f:args':{}}}}}}}"),
        new FieldsCase("status is not owned through the main resource", null, "{'replicas':1}",
            "{'f:spec':{'f:replicas':{}}}"))
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
          ObjectNode old = c.old() == null ? null : sts(c.old());
          ObjectNode next = sts(c.updated());
          next.putObject("status").put("replicas", 5);
          fm.update(old, next, "m", "", T0);
          assertThat(fieldsOf(next, "m", "Update")).isEqualTo(json(c.expected()));
          JsonNode entry = next.path("metadata").path("managedFields").get(0);
          assertThat(entry.path("apiVersion").asText()).isEqualTo("apps/v1");
          assertThat(entry.path("fieldsType").asText()).isEqualTo("FieldsV1");
          assertThat(entry.path("time").asText()).isEqualTo(T0);
        }));
  }

  @Test
  void fieldsV1RoundTripsAndSetListsUseValues() {
    FieldSchema meta = STS.field("metadata");
    FieldSet s = ObjectFields.applied(obj("{'finalizers':['a','b']}"), meta, null);
    assertThat(s.toFieldsV1()).isEqualTo(json("{'f:finalizers':{'v:\\'a\\'':{},'v:\\'b\\'':{}}}"));
    assertThat(FieldSet.fromFieldsV1(s.toFieldsV1()).toFieldsV1()).isEqualTo(s.toFieldsV1());
    assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("{'x:y':{}}"))).isInstanceOf(IllegalArgumentException.class);
  }

  /** Update entries of one manager merge; a second manager takes the fields it changes. */
  @Test
  void updatesMergePerManagerAndTakeChangedFields() {
    ObjectNode a = sts("{'replicas':1}");
    fm.update(null, a, "alice", "", T0);
    ObjectNode b = a.deepCopy();
    ((ObjectNode) b.get("spec")).put("serviceName", "web");
    fm.update(a, b, "alice", "", T1);
    assertThat(b.path("metadata").path("managedFields")).hasSize(1);
    assertThat(fieldsOf(b, "alice", "Update")).isEqualTo(json("{'f:spec':{'f:replicas':{},'f:serviceName':{}}}"));
    ObjectNode c = b.deepCopy();
    ((ObjectNode) c.get("spec")).put("replicas", 4);
    fm.update(b, c, "bob", "", T1);
    assertThat(fieldsOf(c, "alice", "Update")).isEqualTo(json("{'f:spec':{'f:serviceName':{}}}"));
    assertThat(fieldsOf(c, "bob", "Update")).isEqualTo(json("{'f:spec':{'f:replicas':{}}}"));
    // an update that changes nothing keeps the entries and their times: the object is unchanged
    ObjectNode d = c.deepCopy();
    fm.update(c, d, "carol", "", "2027-01-01T00:00:00Z");
    assertThat(d).isEqualTo(c);
  }

  @Test
  void clientSentEntriesAreValidatedAndResetByEmptyEntry() {
    ObjectNode a = sts("{'replicas':1}");
    fm.update(null, a, "alice", "", T0);
    ObjectNode bad = a.deepCopy();
    ((ObjectNode) bad.path("metadata").path("managedFields").get(0)).put("operation", "Patch");
    assertThatThrownBy(() -> fm.update(a, bad, "alice", "", T1))
        .isInstanceOfSatisfying(FieldManager.InvalidManagedFields.class, e ->
            assertThat(e.errors().get(0).path()).isEqualTo("metadata.managedFields[0].operation"));
    ObjectNode reset = a.deepCopy();
    reset.with("metadata").putArray("managedFields").addObject();
    fm.update(a, reset, "alice", "", T1);
    assertThat(reset.path("metadata").has("managedFields")).isFalse();
    ObjectNode empty = a.deepCopy();
    empty.with("metadata").putArray("managedFields");
    fm.update(a, empty, "alice", "", T1);
    assertThat(empty.path("metadata").path("managedFields")).isEqualTo(a.path("metadata").path("managedFields"));
  }

  record ConflictCase(String name, String firstOp, String first, String second, boolean force, List<String> conflicts) {}

  /** Two managers: the second applier conflicts on fields the first owns with another value. */
  @TestFactory
  Stream<DynamicTest> conflictsBetweenTwoManagers() {
    return Stream.of(
        new ConflictCase("apply vs apply, another value", "Apply", "{'replicas':1}", "{'replicas':2}", false,
            List.of("conflict with \"first\": .spec.replicas")),
        new ConflictCase("apply vs update, another value", "Update", "{'replicas':1}", "{'replicas':2}", false,
            List.of("conflict with \"first\" using apps/v1: .spec.replicas")),
        new ConflictCase("same value is shared", "Apply", "{'replicas':1}", "{'replicas':1}", false, List.of()),
        new ConflictCase("forced", "Apply", "{'replicas':1}", "{'replicas':2}", true, List.of()),
        new ConflictCase("keyed item field", "Apply",
            "{'template':{'spec':{'containers':[{'name':'c','image':'a'}]}}}",
            "{'template':{'spec':{'containers':[{'name':'c','image':'b'}]}}}", false,
            List.of("conflict with \"first\": .spec.template.spec.containers[name=\"c\"].image")),
        new ConflictCase("other fields do not conflict", "Apply", "{'replicas':1}", "{'serviceName':'x'}", false, List.of()))
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
          ObjectNode live;
          if (c.firstOp().equals("Apply")) {
            live = fm.apply(null, sts(c.first()), "first", "", false, T0);
          } else {
            live = sts(c.first());
            fm.update(null, live, "first", "", T0);
          }
          if (c.conflicts().isEmpty()) {
            ObjectNode out = fm.apply(live, sts(c.second()), "second", "", c.force(), T1);
            assertThat(fieldsOf(out, "second", "Apply")).isNotNull();
            if (c.force()) {
              assertThat(fieldsOf(out, "first", c.firstOp())).isNull(); // its only field was taken
            }
          } else {
            assertThatThrownBy(() -> fm.apply(live, sts(c.second()), "second", "", false, T1))
                .isInstanceOfSatisfying(ApplyConflicts.class, e -> {
                  assertThat(e.conflicts().stream().map(x -> x.message() + ": " + x.field()).toList())
                      .isEqualTo(c.conflicts());
                  assertThat(e.getMessage()).isEqualTo("Apply failed with 1 conflict: " + c.conflicts().get(0));
                });
          }
        }));
  }

  record ListCase(String name, String live, String applied, String expected) {}

  /** Lists merge by their keys: containers by name, env by name; atomic lists are replaced. */
  @TestFactory
  Stream<DynamicTest> listMapKeys() {
    return Stream.of(
        new ListCase("a new container joins, another's stays",
            "[{'name':'a','image':'1'}]", "[{'name':'b','image':'2'}]",
            "[{'name':'a','image':'1'},{'name':'b','image':'2'}]"),
        new ListCase("same key merges fields",
            "[{'name':'a','image':'1','env':[{'name':'X','value':'1'}]}]",
            "[{'name':'a','env':[{'name':'Y','value':'2'}]}]",
            "[{'name':'a','image':'1','env':[{'name':'X','value':'1'},{'name':'Y','value':'2'}]}]"),
        new ListCase("atomic args replaced",
            "[{'name':'a','args':['x','y']}]", "[{'name':'a','args':['z']}]", "[{'name':'a','args':['z']}]"),
        new ListCase("configuration's order for shared items",
            "[{'name':'a'},{'name':'b'}]", "[{'name':'b'},{'name':'a'}]", "[{'name':'b'},{'name':'a'}]"))
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
          ObjectNode live = sts("{'template':{'spec':{'containers':" + c.live() + "}}}");
          fm.update(null, live, "other", "", T0);
          ObjectNode out = fm.apply(live, sts("{'template':{'spec':{'containers':" + c.applied() + "}}}"), "me", "", true, T1);
          assertThat(out.path("spec").path("template").path("spec").path("containers")).isEqualTo(json(c.expected()));
        }));
  }

  @Test
  void duplicateKeysInAConfigurationAreRefused() {
    assertThatThrownBy(() -> fm.apply(null, sts("{'template':{'spec':{'containers':[{'name':'a'},{'name':'a'}]}}}"),
        "me", "", false, T0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate entries");
  }

  record RemovalCase(String name, String first, String second, String otherUpdate, String expectedSpec) {}

  /** A field its only manager stops applying goes; one another manager owns stays. */
  @TestFactory
  Stream<DynamicTest> removalOfFields() {
    return Stream.of(
        new RemovalCase("dropped scalar goes", "{'replicas':3,'serviceName':'w'}", "{'serviceName':'w'}", null,
            "{'serviceName':'w'}"),
        new RemovalCase("dropped container goes", "{'template':{'spec':{'containers':[{'name':'a','image':'1'},{'name':'b','image':'2'}]}}}",
            "{'template':{'spec':{'containers':[{'name':'a','image':'1'}]}}}", null,
            "{'template':{'spec':{'containers':[{'name':'a','image':'1'}]}}}"),
        new RemovalCase("dropped label goes, emptied map too", "{'template':{'metadata':{'labels':{'x':'1'}}},'serviceName':'w'}",
            "{'serviceName':'w'}", null, "{'serviceName':'w'}"),
        new RemovalCase("owned by another manager stays", "{'replicas':3,'serviceName':'w'}", "{'serviceName':'w'}",
            "{'replicas':4,'serviceName':'w'}", "{'replicas':4,'serviceName':'w'}"),
        new RemovalCase("an item's key stays while another owns its fields",
            "{'template':{'spec':{'containers':[{'name':'a','image':'1'}]}}}", "{'serviceName':'w'}",
            "{'template':{'spec':{'containers':[{'name':'a','image':'1','resources':{'limits':{'cpu':'1'}}}]}}}",
            "{'template':{'spec':{'containers':[{'name':'a','resources':{'limits':{'cpu':'1'}}}]}},'serviceName':'w'}"))
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
          ObjectNode live = fm.apply(null, sts(c.first()), "me", "", false, T0);
          if (c.otherUpdate() != null) {
            ObjectNode next = live.deepCopy();
            next.set("spec", json(c.otherUpdate()));
            fm.update(live, next, "other", "", T0);
            live = next;
          }
          ObjectNode out = fm.apply(live, sts(c.second()), "me", "", false, T1);
          assertThat(out.get("spec")).isEqualTo(json(c.expectedSpec()));
          assertThat(fieldsOf(out, "me", "Apply")).isEqualTo(
              ObjectFields.applied(sts(c.second()), STS, new FieldManager(STS, "apps/v1", true).ignoredForTest()).toFieldsV1());
        }));
  }

  @Test
  void kubectlMigratesFromClientSideApply() {
    ObjectNode live = sts("{'replicas':2,'serviceName':'w'}");
    live.with("metadata").with("annotations").put(FieldManager.LAST_APPLIED,
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"StatefulSet\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":2,\"serviceName\":\"w\"}}");
    fm.update(null, live, FieldManager.CLIENT_SIDE_APPLY, "", T0);
    // kubectl's server-side apply may change what its client-side apply set
    ObjectNode out = fm.apply(live, sts("{'replicas':3,'serviceName':'w'}"), "kubectl", "", false, T1);
    assertThat(out.path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(out.path("metadata").path("annotations").path(FieldManager.LAST_APPLIED).asText()).contains("\"replicas\":3");
    // another manager may not
    assertThatThrownBy(() -> fm.apply(live, sts("{'replicas':3}"), "helm", "", false, T1))
        .isInstanceOf(ApplyConflicts.class)
        .hasMessage("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas");
  }
}
