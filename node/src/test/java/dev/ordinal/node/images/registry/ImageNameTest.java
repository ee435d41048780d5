package dev.ordinal.node.images.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageNameTest {
  private static final String D = "sha256:" + "a".repeat(64);

  @Test
  void parsesReferencesAsDockerDoes() {
    String[][] cases = {
        // reference, registry, repository, tag, digest, canonical
        {"nginx", "docker.io", "library/nginx", "latest", "", "docker.io/library/nginx:latest"},
        {"nginx:1.27", "docker.io", "library/nginx", "1.27", "", "docker.io/library/nginx:1.27"},
        {"ikubernetes/myapp:v5", "docker.io", "ikubernetes/myapp", "v5", "", "docker.io/ikubernetes/myapp:v5"},
        {"docker.io/library/busybox", "docker.io", "library/busybox", "latest", "", "docker.io/library/busybox:latest"},
        {"index.docker.io/library/busybox:1.36", "docker.io", "library/busybox", "1.36", "", "docker.io/library/busybox:1.36"},
        {"127.0.0.1:5000/team/app:1", "127.0.0.1:5000", "team/app", "1", "", "127.0.0.1:5000/team/app:1"},
        {"localhost/app", "localhost", "app", "latest", "", "localhost/app:latest"},
        {"registry.cn-hangzhou.aliyuncs.com/a/mysql:8.0", "registry.cn-hangzhou.aliyuncs.com", "a/mysql", "8.0", "",
            "registry.cn-hangzhou.aliyuncs.com/a/mysql:8.0"},
        {"nginx@" + D, "docker.io", "library/nginx", "", D, "docker.io/library/nginx@" + D},
        {"nginx:1.27@" + D, "docker.io", "library/nginx", "1.27", D, "docker.io/library/nginx:1.27@" + D},
        {"host:5000/app@" + D, "host:5000", "app", "", D, "host:5000/app@" + D},
    };
    for (String[] c : cases) {
      ImageName n = ImageName.parse(c[0]);
      assertThat(n).as(c[0]).isEqualTo(new ImageName(c[1], c[2], c[3], c[4]));
      assertThat(n.canonical()).as(c[0]).isEqualTo(c[5]);
    }
  }

  @Test
  void rejectsWhatDockerRejects() {
    for (String bad : new String[] {"", "Nginx", "nginx:", "nginx@sha256:abc", "a//b", "-x", "nginx:-tag"}) {
      assertThatThrownBy(() -> ImageName.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid reference format");
    }
  }

  @Test
  void latestIsNoTagOrTheLatestTag() {
    assertThat(ImageName.parse("nginx").isLatest()).isTrue();
    assertThat(ImageName.parse("nginx:latest").isLatest()).isTrue();
    assertThat(ImageName.parse("nginx:1").isLatest()).isFalse();
    assertThat(ImageName.parse("nginx@" + D).isLatest()).isFalse();
  }
}
