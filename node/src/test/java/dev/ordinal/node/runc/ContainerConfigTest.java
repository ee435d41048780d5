package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a container's image, command line, environment and pod files are worked out. */
class ContainerConfigTest {
  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  static final ImageConfig IMAGE = new ImageConfig(List.of("/entry"), List.of("cmd", "arg"), Map.of("PATH", "/bin"), "/");

  static final PodResources RESOURCES = new PodResources() {
    @Override
    public Optional<ObjectNode> configMap(String namespace, String name) {
      return name.equals("cfg") ? Optional.of(obj("{'metadata':{'name':'cfg','namespace':'d'},'data':{'MODE':'primary','PORT':'3306'}}"))
          : Optional.empty();
    }

    @Override
    public Optional<ObjectNode> secret(String namespace, String name) {
      return name.equals("pw") ? Optional.of(obj("{'metadata':{'name':'pw','namespace':'d'},'data':{'password':'czNjcjN0'}}"))
          : Optional.empty();
    }

    @Override
    public Optional<ObjectNode> claim(String namespace, String name) {
      return Optional.empty();
    }

    @Override
    public Optional<ObjectNode> volume(String name) {
      return Optional.empty();
    }

    @Override
    public List<ObjectNode> services(String namespace) {
      return namespace.equals("default")
          ? List.of(obj("{'metadata':{'name':'kubernetes','namespace':'default'},'spec':{'clusterIP':'10.96.0.1','ports':[{'name':'https','port':443}]}}"))
          : List.of(obj("{'metadata':{'name':'mysql-read','namespace':'d'},'spec':{'clusterIP':'10.96.0.20','ports':[{'name':'mysql','port':3306}]}}"),
              obj("{'metadata':{'name':'mysql','namespace':'d'},'spec':{'clusterIP':'None','ports':[{'port':3306}]}}"));
    }
  };

  @Test
  void imagesResolveByRepositoryWhateverTheRegistryAndTag() {
    assertThat(HostImages.repository("nginx:1.27")).isEqualTo("nginx");
    assertThat(HostImages.repository("docker.io/library/nginx@sha256:abc")).isEqualTo("nginx");
    assertThat(HostImages.repository("registry.k8s.io/nginx-slim:0.8")).isEqualTo("nginx");
    assertThat(HostImages.repository("localhost:5000/mysql:5.7")).isEqualTo("mysql");
    assertThat(HostImages.lookup("zookeeper:3.8").orElseThrow().config().cmd()).contains("start-foreground");
    assertThat(HostImages.lookup("quay.io/unknown/thing")).isEmpty();
    assertThat(HostImages.lookup("nginx:1.27").orElseThrow().config().stopSignal()).as("the official image's STOPSIGNAL").isEqualTo("SIGQUIT");
    assertThat(HostImages.lookup("busybox").orElseThrow().config().stopSignal()).as("SIGTERM").isEmpty();
  }

  @Test
  void theZooKeeperImageLogsToTheConsoleThroughJarsTheHostHas() {
    String options = HostImages.lookup("zookeeper:3.8").orElseThrow().config().env().get("JDK_JAVA_OPTIONS");
    assertThat(options).contains("-Dzookeeper.root.logger=INFO,CONSOLE").contains("slf4j-log4j12.jar");
    if (java.nio.file.Files.exists(java.nio.file.Path.of("/usr/share/java/zookeeper.jar"))) {
      String path = options.substring("-Xbootclasspath/a:".length(), options.indexOf(' '));
      for (String jar : path.split(":")) {
        assertThat(java.nio.file.Path.of(jar)).as("installed with Debian's zookeeper").exists();
      }
    }
  }

  @Test
  void thePatroniImageRunsAsPostgresWithTheNewestServerProgramsOnThePath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    HostImages.Entry patroni = HostImages.lookup("patroni:3.0").orElseThrow();
    assertThat(patroni.user()).as("PostgreSQL refuses to run as root").isEqualTo("postgres");
    assertThat(patroni.config().cmd()).containsExactly("patroni", "/etc/patroni/config.yml");
    assertThat(patroni.config().env().get("PATH")).startsWith(ImageConfig.PATH + ":/usr/lib/postgresql/");
    assertThat(HostImages.lookup("nginx").orElseThrow().user()).isEmpty();

    assertThat(HostImages.postgresBin(dir)).as("nothing installed: Debian 12's").isEqualTo(dir.resolve("15/bin").toString());
    for (String version : List.of("9", "13", "16")) {
      java.nio.file.Path postgres = java.nio.file.Files.createDirectories(dir.resolve(version + "/bin")).resolve("postgres");
      java.nio.file.Files.writeString(postgres, "");
      postgres.toFile().setExecutable(true);
    }
    java.nio.file.Files.createDirectories(dir.resolve("17/bin")); // a version's leftovers, without its server
    assertThat(HostImages.postgresBin(dir)).isEqualTo(dir.resolve("16/bin").toString());
  }

  @Test
  void commandAndArgsFollowDockersRules() {
    Map<String, String> env = Map.of("NAME", "web-0");
    assertThat(ProcessArgs.of(obj("{}"), IMAGE, env)).containsExactly("/entry", "cmd", "arg");
    assertThat(ProcessArgs.of(obj("{'args':['x']}"), IMAGE, env)).containsExactly("/entry", "x");
    assertThat(ProcessArgs.of(obj("{'command':['sh','-c']}"), IMAGE, env)).containsExactly("sh", "-c");
    assertThat(ProcessArgs.of(obj("{'command':['echo'],'args':['$(NAME)','$$(NAME)','$(MISSING)']}"), IMAGE, env))
        .containsExactly("echo", "web-0", "$(NAME)", "$(MISSING)");
  }

  @Test
  void environmentDrawsOnFieldsConfigMapsAndSecretsInOrder() throws Exception {
    ObjectNode pod = obj("{'metadata':{'name':'mysql-1','namespace':'d','labels':{'app':'mysql'}},'spec':{'nodeName':'n1'}}");
    JsonNode container = obj("{'envFrom':[{'configMapRef':{'name':'cfg'},'prefix':'DB_'}],'env':["
        + "{'name':'POD','valueFrom':{'fieldRef':{'fieldPath':'metadata.name'}}},"
        + "{'name':'IP','valueFrom':{'fieldRef':{'fieldPath':'status.podIP'}}},"
        + "{'name':'APP','valueFrom':{'fieldRef':{'fieldPath':'metadata.labels[\\u0027app\\u0027]'}}},"
        + "{'name':'PASSWORD','valueFrom':{'secretKeyRef':{'name':'pw','key':'password'}}},"
        + "{'name':'URL','value':'mysql://$(POD):$(DB_PORT)'},"
        + "{'name':'GONE','valueFrom':{'configMapKeyRef':{'name':'nope','key':'k','optional':true}}}]}");
    Map<String, String> env = ContainerEnv.of(pod, container, IMAGE, RESOURCES, "10.88.0.7");
    assertThat(env).containsEntry("PATH", "/bin").containsEntry("DB_MODE", "primary").containsEntry("POD", "mysql-1")
        .containsEntry("IP", "10.88.0.7").containsEntry("APP", "mysql").containsEntry("PASSWORD", "s3cr3t")
        .containsEntry("URL", "mysql://mysql-1:3306").doesNotContainKey("GONE");
  }

  @Test
  void aMissingConfigMapIsAConfigError() {
    ObjectNode pod = obj("{'metadata':{'name':'p','namespace':'d'}}");
    assertThatThrownBy(() -> ContainerEnv.of(pod, obj("{'envFrom':[{'configMapRef':{'name':'absent'}}]}"), IMAGE, RESOURCES, ""))
        .isInstanceOf(ConfigError.class).hasMessage("configmap \"absent\" not found");
    assertThatThrownBy(() -> ContainerEnv.of(pod, obj("{'env':[{'name':'X','valueFrom':{'configMapKeyRef':{'name':'cfg','key':'nokey'}}}]}"),
        IMAGE, RESOURCES, "")).isInstanceOf(ConfigError.class).hasMessage("couldn't find key nokey in Configmap d/cfg");
  }

  @Test
  void podFilesNameTheReplicaByItsStableDnsName() {
    ObjectNode pod = obj("{'metadata':{'name':'web-0','namespace':'default'},'spec':{'hostname':'web-0','subdomain':'nginx',"
        + "'hostAliases':[{'ip':'10.1.2.3','hostnames':['db','db.local']}]}}");
    assertThat(PodFiles.hosts(pod, "10.88.0.5")).contains("10.88.0.5\tweb-0.nginx.default.svc.cluster.local\tweb-0\n")
        .contains("10.1.2.3\tdb\tdb.local\n").contains("127.0.0.1\tlocalhost\n");
    assertThat(PodDns.resolvConf(pod, "10.96.0.10", "")).isEqualTo("""
        search default.svc.cluster.local svc.cluster.local cluster.local
        nameserver 10.96.0.10
        options ndots:5
        """);
    assertThat(PodFiles.hostname(obj("{'metadata':{'name':'plain'},'spec':{}}"))).isEqualTo("plain");
  }

  @Test
  void containersGetTheVariablesOfTheServicesTheyCanReach() throws Exception {
    ObjectNode pod = obj("{'metadata':{'name':'p','namespace':'d'},'spec':{'containers':[{'name':'c','env':[{'name':'URL','value':'http://$(MYSQL_READ_SERVICE_HOST):$(MYSQL_READ_SERVICE_PORT)'},{'name':'MYSQL_READ_SERVICE_PORT','value':'1'}]}]}}");
    Map<String, String> env = ContainerEnv.of(pod, pod.path("spec").path("containers").get(0), IMAGE, RESOURCES, "10.88.0.5");
    assertThat(env).containsEntry("MYSQL_READ_SERVICE_HOST", "10.96.0.20")
        .containsEntry("MYSQL_READ_SERVICE_PORT_MYSQL", "3306")
        .containsEntry("MYSQL_READ_PORT", "tcp://10.96.0.20:3306")
        .containsEntry("MYSQL_READ_PORT_3306_TCP_ADDR", "10.96.0.20")
        .containsEntry("MYSQL_READ_PORT_3306_TCP_PROTO", "tcp")
        .containsEntry("KUBERNETES_SERVICE_HOST", "10.96.0.1")
        .containsEntry("KUBERNETES_SERVICE_PORT", "443")
        .containsEntry("KUBERNETES_SERVICE_PORT_HTTPS", "443")
        .as("a headless Service has none").doesNotContainKey("MYSQL_SERVICE_HOST")
        .as("$(VAR) sees them, and the pod's own env wins").containsEntry("URL", "http://10.96.0.20:3306")
        .containsEntry("MYSQL_READ_SERVICE_PORT", "1");

    pod.with("spec").put("enableServiceLinks", false);
    Map<String, String> without = ContainerEnv.of(pod, pod.path("spec").path("containers").get(0), IMAGE, RESOURCES, "10.88.0.5");
    assertThat(without).doesNotContainKey("MYSQL_READ_SERVICE_HOST").as("the API server's are always there")
        .containsEntry("KUBERNETES_SERVICE_HOST", "10.96.0.1");
  }
}
