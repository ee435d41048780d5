package dev.ordinal.api.patch;

import static dev.ordinal.api.patch.PatchTestSupport.json;
import static dev.ordinal.api.patch.PatchTestSupport.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class JsonMergePatchTest {

  @Test
  void mergesObjectsRecursivelyAndNullDeletes() {
    ObjectNode original = obj("{'metadata':{'labels':{'app':'web','tier':'back'}},'spec':{'replicas':1}}");
    ObjectNode result =
        JsonMergePatch.apply(original, json("{'metadata':{'labels':{'app':null,'tier':'front'}},'spec':{'replicas':3}}"));
    assertThat(result).isEqualTo(json("{'metadata':{'labels':{'tier':'front'}},'spec':{'replicas':3}}"));
  }

  @Test
  void listsAreReplacedWhole() {
    ObjectNode result =
        JsonMergePatch.apply(obj("{'a':[1,2,3],'b':{'c':[{'x':1}]}}"), json("{'a':[4],'b':{'c':[]}}"));
    assertThat(result).isEqualTo(json("{'a':[4],'b':{'c':[]}}"));
  }

  @Test
  void newSubtreesDropTheirNulls() {
    // RFC 7386: a patch object merged into nothing keeps no null members.
    ObjectNode result = JsonMergePatch.apply(obj("{}"), json("{'a':{'b':null,'c':1}}"));
    assertThat(result).isEqualTo(json("{'a':{'c':1}}"));
  }

  @Test
  void objectReplacesScalarAndScalarReplacesObject() {
    ObjectNode result = JsonMergePatch.apply(obj("{'a':1,'b':{'x':1}}"), json("{'a':{'y':2},'b':'s'}"));
    assertThat(result).isEqualTo(json("{'a':{'y':2},'b':'s'}"));
  }

  @Test
  void doesNotMutateItsArguments() {
    ObjectNode original = obj("{'a':{'b':1}}");
    ObjectNode patch = obj("{'a':{'b':null,'c':{'d':1}}}");
    JsonMergePatch.apply(original, patch);
    assertThat(original).isEqualTo(json("{'a':{'b':1}}"));
    assertThat(patch).isEqualTo(json("{'a':{'b':null,'c':{'d':1}}}"));
  }

  @Test
  void nonObjectPatchIsBadRequest() {
    assertThatThrownBy(() -> JsonMergePatch.apply(obj("{}"), json("[1]")))
        .isInstanceOfSatisfying(
            PatchException.class, e -> assertThat(e.kind()).isEqualTo(PatchException.Kind.BAD_REQUEST));
  }
}
