package dev.ordinal.api.patch;

import static dev.ordinal.api.patch.PatchTestSupport.json;
import static dev.ordinal.api.patch.PatchTestSupport.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class JsonPatchTest {

  private static final String POD = "{'metadata':{'name':'p','labels':{'a':'1'}},'spec':{'containers':[{'name':'c','image':'i'}]}}";

  @Test
  void appliesOperationsInOrder() {
    ObjectNode result =
        JsonPatch.apply(
            obj(POD),
            json(
                "[{'op':'test','path':'/metadata/name','value':'p'},"
                    + "{'op':'replace','path':'/spec/containers/0/image','value':'j'},"
                    + "{'op':'add','path':'/metadata/labels/b','value':'2'},"
                    + "{'op':'remove','path':'/metadata/labels/a'}]"));
    assertThat(result)
        .isEqualTo(json("{'metadata':{'name':'p','labels':{'b':'2'}},'spec':{'containers':[{'name':'c','image':'j'}]}}"));
  }

  @Test
  void doesNotMutateTheOriginal() {
    ObjectNode original = obj(POD);
    JsonPatch.apply(original, json("[{'op':'remove','path':'/metadata/labels'}]"));
    assertThat(original).isEqualTo(json(POD));
  }

  @Test
  void failedTestIsInvalid() {
    assertKind(json("[{'op':'test','path':'/metadata/name','value':'other'}]"), PatchException.Kind.INVALID);
  }

  @Test
  void removingAMissingPathIsInvalid() {
    assertKind(json("[{'op':'remove','path':'/metadata/annotations'}]"), PatchException.Kind.INVALID);
  }

  @Test
  void replacingAMissingPathIsInvalid() {
    assertKind(json("[{'op':'replace','path':'/spec/nope/x','value':1}]"), PatchException.Kind.INVALID);
  }

  @Test
  void unknownOperationIsInvalidLikeKubernetes() {
    assertKind(json("[{'op':'frobnicate','path':'/a'}]"), PatchException.Kind.INVALID);
  }

  @Test
  void replacingTheRootWithANonObjectIsInvalid() {
    assertKind(json("[{'op':'replace','path':'','value':[1]}]"), PatchException.Kind.INVALID);
  }

  @Test
  void aPatchThatIsNotAListOfObjectsIsBadRequest() {
    assertKind(json("{'op':'add'}"), PatchException.Kind.BAD_REQUEST);
    assertKind(json("['add']"), PatchException.Kind.BAD_REQUEST);
  }

  @Test
  void tooManyOperationsIsTooLarge() {
    ArrayNode ops = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i <= JsonPatch.MAX_OPERATIONS; i++) {
      ops.add(obj("{'op':'test','path':'/metadata/name','value':'p'}"));
    }
    assertKind(ops, PatchException.Kind.TOO_LARGE);
  }

  private static void assertKind(com.fasterxml.jackson.databind.JsonNode patch, PatchException.Kind kind) {
    assertThatThrownBy(() -> JsonPatch.apply(obj(POD), patch))
        .isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }
}
