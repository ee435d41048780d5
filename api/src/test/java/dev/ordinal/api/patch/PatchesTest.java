package dev.ordinal.api.patch;

import static dev.ordinal.api.patch.PatchTestSupport.json;
import static dev.ordinal.api.patch.PatchTestSupport.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PatchesTest {

  private static final ResourceType PODS = ResourceCatalog.standard().byPlural("", "v1", "pods").orElseThrow();
  private static final String POD = "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}";
  private static final String ADD_C = "{'spec':{'containers':[{'name':'c'}]}}";

  private static byte[] bytes(String singleQuoted) {
    return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void dispatchesOnTheContentType() {
    assertThat(Patches.apply("application/strategic-merge-patch+json", PODS, obj(POD), bytes(ADD_C)))
        .isEqualTo(json("{'spec':{'containers':[{'name':'c'},{'name':'a'},{'name':'b'}]}}"));
    assertThat(Patches.apply("application/merge-patch+json; charset=utf-8", PODS, obj(POD), bytes(ADD_C)))
        .isEqualTo(json(ADD_C));
    assertThat(
            Patches.apply(
                "application/json-patch+json", PODS, obj(POD), bytes("[{'op':'remove','path':'/spec/containers/1'}]")))
        .isEqualTo(json("{'spec':{'containers':[{'name':'a'}]}}"));
  }

  @Test
  void recognisesContentTypesLoosely() {
    assertThat(PatchFormat.fromContentType("Application/Strategic-Merge-Patch+JSON"))
        .contains(PatchFormat.STRATEGIC_MERGE_PATCH);
    assertThat(PatchFormat.fromContentType("application/apply-patch+yaml")).contains(PatchFormat.APPLY_PATCH);
    assertThat(PatchFormat.fromContentType("application/json")).isEmpty();
    assertThat(PatchFormat.fromContentType(null)).isEmpty();
  }

  @Test
  void unknownContentTypeAndServerSideApplyAreUnsupported() {
    assertKind(() -> Patches.apply("application/json", PODS, obj(POD), bytes(ADD_C)), PatchException.Kind.UNSUPPORTED_MEDIA_TYPE);
    assertKind(
        () -> Patches.apply("application/apply-patch+yaml", PODS, obj(POD), bytes(ADD_C)),
        PatchException.Kind.UNSUPPORTED_MEDIA_TYPE);
    assertThat(PatchException.Kind.UNSUPPORTED_MEDIA_TYPE.httpStatus()).isEqualTo(415);
  }

  @Test
  void malformedOrEmptyBodiesAreBadRequests() {
    assertKind(
        () -> Patches.apply("application/merge-patch+json", PODS, obj(POD), bytes("{'spec':")),
        PatchException.Kind.BAD_REQUEST);
    assertKind(() -> Patches.apply("application/merge-patch+json", PODS, obj(POD), new byte[0]), PatchException.Kind.BAD_REQUEST);
    assertThat(PatchException.Kind.BAD_REQUEST.httpStatus()).isEqualTo(400);
    assertThat(PatchException.Kind.INVALID.httpStatus()).isEqualTo(422);
  }

  private static void assertKind(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, PatchException.Kind kind) {
    assertThatThrownBy(call).isInstanceOfSatisfying(PatchException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }
}
