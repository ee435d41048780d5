package dev.ordinal.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.runtime.ProcessIdentity.ImageUser;
import dev.ordinal.node.runtime.ProcessIdentity.Users;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pod's and the container's securityContext merged with the image's USER, as kubelet and containerd decide. */
class ProcessIdentityTest {
  /** An image with nginx (101:101) and a group "staff" (50); uid 1000 has primary group 1000. */
  static final Users USERS = new Users() {
    @Override
    public OptionalLong uid(String name) {
      return name.equals("nginx") ? OptionalLong.of(101) : OptionalLong.empty();
    }

    @Override
    public OptionalLong primaryGid(long uid) {
      return Map.of(101L, 101L, 1000L, 1000L).containsKey(uid) ? OptionalLong.of(Map.of(101L, 101L, 1000L, 1000L).get(uid))
          : OptionalLong.empty();
    }

    @Override
    public OptionalLong gid(String group) {
      return group.equals("staff") ? OptionalLong.of(50) : OptionalLong.empty();
    }
  };

  static ObjectNode pod(String podSc, String containerSc) {
    return Json.parseObject(("{'metadata':{'name':'p','namespace':'d','uid':'u1'},'spec':{'securityContext':{" + podSc
        + "},'containers':[{'name':'c','securityContext':{" + containerSc + "}}]}}").replace('\'', '"').getBytes());
  }

  static final String WHERE = " (pod: \"p_d(u1)\", container: c)";

  static Stream<Arguments> cases() {
    return Stream.of(
        // pod securityContext, container securityContext, image USER, expected "uid gid [groups]" or the refusal
        Arguments.of("nothing anywhere: root", "", "", "", "0 0 [0]"),
        Arguments.of("the pod's user and groups", "'runAsUser':1000,'runAsGroup':3000,'fsGroup':2000,'supplementalGroups':[4000]", "", "",
            "1000 3000 [3000, 2000, 4000]"),
        Arguments.of("the container's values win", "'runAsUser':1000,'runAsGroup':3000,'fsGroup':2000", "'runAsUser':2001,'runAsGroup':2002",
            "", "2001 2002 [2002, 2000]"),
        Arguments.of("a container's user alone keeps the pod's group", "'runAsUser':1000,'runAsGroup':3000", "'runAsUser':5", "", "5 3000 [3000]"),
        Arguments.of("the pod's user beats the image's", "'runAsUser':1000", "", "101:101", "1000 1000 [1000]"),
        Arguments.of("a user without a group: its primary group in /etc/passwd", "'runAsUser':1000", "", "", "1000 1000 [1000]"),
        Arguments.of("a user unknown to /etc/passwd: group 0", "'runAsUser':4242", "", "", "4242 0 [0]"),
        Arguments.of("the image's numeric user and group", "", "", "70:71", "70 71 [71]"),
        Arguments.of("the image's named user", "", "", "nginx", "101 101 [101]"),
        Arguments.of("the image's named user and group", "", "", "nginx:staff", "101 50 [50]"),
        Arguments.of("a runAsGroup over the image's user", "'runAsGroup':3000", "", "nginx:staff", "101 3000 [3000]"),
        Arguments.of("an unknown image user", "", "", "ghost", "unable to find user ghost: no matching entries in passwd file"),
        Arguments.of("fsGroup only", "'fsGroup':2000", "", "", "0 0 [0, 2000]"),
        Arguments.of("runAsNonRoot with a non-root user", "'runAsNonRoot':true,'runAsUser':1000", "", "", "1000 1000 [1000]"),
        Arguments.of("runAsNonRoot and an image without a user", "'runAsNonRoot':true", "", "",
            "container has runAsNonRoot and image will run as root" + WHERE),
        Arguments.of("runAsNonRoot and an image running as 0", "", "'runAsNonRoot':true", "0:0",
            "container has runAsNonRoot and image will run as root" + WHERE),
        Arguments.of("runAsNonRoot and a named image user", "'runAsNonRoot':true", "", "nginx",
            "container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root" + WHERE),
        Arguments.of("runAsNonRoot and a numeric non-root image user", "'runAsNonRoot':true", "", "70", "70 0 [0]"),
        Arguments.of("runAsNonRoot and runAsUser 0", "'runAsNonRoot':true,'runAsUser':0", "", "70",
            "container's runAsUser breaks non-root policy" + WHERE),
        Arguments.of("the container lifts the pod's runAsNonRoot", "'runAsNonRoot':true", "'runAsNonRoot':false", "", "0 0 [0]"),
        Arguments.of("the container's runAsUser satisfies the pod's runAsNonRoot", "'runAsNonRoot':true", "'runAsUser':7", "", "7 0 [0]"),
        Arguments.of("the container's runAsUser 0 breaks it", "'runAsNonRoot':true,'runAsUser':1000", "'runAsUser':0", "",
            "container's runAsUser breaks non-root policy" + WHERE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, String podSc, String containerSc, String imageUser, String expected) {
    ObjectNode pod = pod(podSc, containerSc);
    String got;
    try {
      ProcessIdentity.Identity id = ProcessIdentity.of(pod, pod.path("spec").path("containers").get(0), ImageUser.of(imageUser), USERS);
      got = id.uid() + " " + id.gid() + " " + id.additionalGids();
    } catch (ProcessIdentity.Refused e) {
      got = e.getMessage();
    }
    assertThat(got).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void withoutAnImageOnlyAnExplicitRootIsRefused(String name, String podSc, String containerSc, String imageUser, String expected) {
    ObjectNode pod = pod(podSc, containerSc);
    var container = pod.path("spec").path("containers").get(0);
    boolean explicitRoot = expected.startsWith("container's runAsUser");
    if (explicitRoot) {
      assertThatThrownBy(() -> ProcessIdentity.verifyRunAsNonRoot(pod, container, ImageUser.UNKNOWN)).hasMessage(expected);
    } else {
      try {
        ProcessIdentity.verifyRunAsNonRoot(pod, container, ImageUser.UNKNOWN);
      } catch (ProcessIdentity.Refused e) {
        throw new AssertionError("refused: " + e.getMessage());
      }
    }
  }

  @org.junit.jupiter.api.Test
  void imageUsersSplitAsContainerdSplitsThem() {
    assertThat(ImageUser.of("")).isEqualTo(new ImageUser("", "", true));
    assertThat(ImageUser.of("1000:50")).isEqualTo(new ImageUser("1000", "50", true));
    assertThat(ImageUser.of("nginx").uid()).isEmpty();
    assertThat(ImageUser.of("").uid()).hasValue(0);
    assertThat(List.of(ImageUser.of("1000:x").uid().getAsLong())).containsExactly(1000L);
  }
}
