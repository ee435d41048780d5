package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backing up the MariaDB example (examples/mariadb.yaml, its primary alone) with a CronJob that
 * dumps every database onto a claim, run at once with `kubectl create job --from=cronjob`, and
 * restoring the newest dump with a Job into a fresh MariaDB with a volume of its own (scheduled
 * backups suspended meanwhile): the rows written before the backup are there, the one written
 * after it is not.
 */
class MariaDbBackupE2E extends RealPodsTestBase {
  static final String NS = "db";

  @BeforeAll
  static void needsMariaDb() throws Exception {
    assumeTrue(Stream.of("/usr/sbin/mariadbd", "/usr/bin/mariadb-dump", "/usr/bin/mariabackup", "/usr/bin/ncat")
            .allMatch(p -> Files.exists(Path.of(p))),
        "needs Debian's mariadb-server, mariadb-backup and ncat (./ordinal test installs them as root)");
    kubectl.run("create", "namespace", NS).ok();
  }

  @AfterAll
  static void deleteNamespace() throws Exception {
    kubectl.run("delete", "namespace", NS, "--timeout=120s");
  }

  /** The claim the dumps go to, and the CronJob that writes one a minute (its image: the host's MariaDB client). */
  static final String BACKUP = """
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: backup
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 1Gi
      ---
      apiVersion: batch/v1
      kind: CronJob
      metadata:
        name: mariadb-backup
      spec:
        schedule: "*/1 * * * *"
        concurrencyPolicy: Forbid
        jobTemplate:
          spec:
            backoffLimit: 2
            template:
              spec:
                restartPolicy: OnFailure
                containers:
                - name: dump
                  image: mariadb:10.11
                  env:
                  - name: MYSQL_PWD
                    valueFrom:
                      secretKeyRef:
                        name: mysql
                        key: password
                  command:
                  - bash
                  - -c
                  - |
                    set -e -o pipefail
                    # written aside and renamed, so that a restore never picks a dump half written
                    f=/backup/dump-$(date +%s).sql
                    mariadb-dump -h mysql-0.mysql -u root --all-databases --single-transaction --routines --events > $f.part
                    mv $f.part $f
                    ls -l /backup
                  volumeMounts:
                  - name: backup
                    mountPath: /backup
                volumes:
                - name: backup
                  persistentVolumeClaim:
                    claimName: backup
      """;

  /**
   * A fresh, empty MariaDB of its own (one member, its own claim), set up as the example sets up
   * its primary: the example's configuration and root's password from its Secret.
   */
  static final String FRESH = """
      apiVersion: v1
      kind: Service
      metadata:
        name: restored
      spec:
        clusterIP: None
        selector:
          app: restored
        ports:
        - name: mysql
          port: 3306
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: restored
      spec:
        serviceName: restored
        replicas: 1
        selector:
          matchLabels:
            app: restored
        template:
          metadata:
            labels:
              app: restored
          spec:
            initContainers:
            - name: init
              image: mariadb:10.11
              env:
              - name: MYSQL_PWD
                valueFrom:
                  secretKeyRef:
                    name: mysql
                    key: password
              command:
              - bash
              - -c
              - |
                set -ex
                cp /mnt/config-map/common.cnf /mnt/conf.d/
                chown mysql:mysql /run/mysqld /var/lib/mysql
                [[ -d /var/lib/mysql/mysql ]] && exit 0
                mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db --auth-root-authentication-method=socket
                mariadbd --user=mysql --datadir=/var/lib/mysql --bootstrap <<EOF
                FLUSH PRIVILEGES;
                CREATE USER 'root'@'%' IDENTIFIED BY '$MYSQL_PWD';
                GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;
                EOF
              volumeMounts:
              - name: data
                mountPath: /var/lib/mysql
                subPath: mysql
              - name: conf
                mountPath: /mnt/conf.d
              - name: config-map
                mountPath: /mnt/config-map
              - name: run
                mountPath: /run/mysqld
            containers:
            - name: mariadb
              image: mariadb:10.11
              ports:
              - name: mysql
                containerPort: 3306
              readinessProbe:
                exec:
                  command: ["mariadb", "-h", "127.0.0.1", "-u", "root", "-e", "SELECT 1"]
                periodSeconds: 2
              env:
              - name: MYSQL_PWD
                valueFrom:
                  secretKeyRef:
                    name: mysql
                    key: password
              volumeMounts:
              - name: data
                mountPath: /var/lib/mysql
                subPath: mysql
              - name: conf
                mountPath: /etc/mysql/mariadb.conf.d
              - name: run
                mountPath: /run/mysqld
            volumes:
            - name: conf
              emptyDir: {}
            - name: run
              emptyDir: {}
            - name: config-map
              configMap:
                name: mysql
        volumeClaimTemplates:
        - metadata:
            name: data
          spec:
            accessModes: ["ReadWriteOnce"]
            resources:
              requests:
                storage: 1Gi
      """;

  /** Loads the newest complete dump on the claim into the fresh server. */
  static final String RESTORE = """
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: restore
      spec:
        backoffLimit: 2
        template:
          spec:
            restartPolicy: OnFailure
            containers:
            - name: restore
              image: mariadb:10.11
              env:
              - name: MYSQL_PWD
                valueFrom:
                  secretKeyRef:
                    name: mysql
                    key: password
              command:
              - bash
              - -c
              - |
                set -e -o pipefail
                newest=$(ls /backup/dump-*.sql | sort | tail -n 1)
                echo "restoring $newest"
                until mariadb -h restored-0.restored -u root -e 'SELECT 1' >/dev/null; do sleep 1; done
                mariadb -h restored-0.restored -u root < "$newest"
                echo restored
              volumeMounts:
              - name: backup
                mountPath: /backup
                readOnly: true
            volumes:
            - name: backup
              persistentVolumeClaim:
                claimName: backup
      """;

  Kubectl.Result sql(String pod, String container, String statements) throws Exception {
    return kubectl.run("-n", NS, "exec", pod, "-c", container, "--", "mariadb", "-N", "-e", statements);
  }

  void awaitReady(String pod) {
    await().atMost(Duration.ofSeconds(120)).until(() -> kubectl.run("-n", NS, "wait", "--for=condition=Ready", "pod/" + pod, "--timeout=20s").exitCode() == 0);
  }

  @Test
  void aDumpFromTheCronJobRestoresIntoAFreshServer() throws Exception {
    // the example as it is, but its primary alone: replicas are not what a backup is about
    String example = Files.readString(example("mariadb.yaml"));
    assertThat(example).contains("  replicas: 3\n");
    kubectl.runWithInput(example.replace("  replicas: 3\n", "  replicas: 1\n"), "-n", NS, "apply", "-f", "-").ok();
    kubectl.runWithInput(BACKUP, "-n", NS, "apply", "-f", "-").ok();
    kubectl.runWithInput(FRESH, "-n", NS, "apply", "-f", "-").ok();
    awaitReady("mysql-0");

    sql("mysql-0", "mysql", "CREATE DATABASE shop; CREATE TABLE shop.orders (id INT PRIMARY KEY, item VARCHAR(100));"
        + " INSERT INTO shop.orders VALUES (1, 'apples'), (2, 'pears')").ok();

    assertThat(kubectl.run("-n", NS, "create", "job", "--from=cronjob/mariadb-backup", "backup-now").ok().out())
        .contains("job.batch/backup-now created");
    assertThat(kubectl.run("-n", NS, "wait", "--for=condition=complete", "job/backup-now", "--timeout=90s").ok().out())
        .contains("condition met");
    assertThat(kubectl.run("-n", NS, "logs", "job/backup-now").ok().out()).containsPattern("dump-\\d+\\.sql");
    // scheduled backups paused for the restore, and none under way: the newest dump cannot hold the row written next
    kubectl.run("-n", NS, "patch", "cronjob", "mariadb-backup", "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}").ok();
    await().atMost(Duration.ofSeconds(90)).until(() ->
        kubectl.run("-n", NS, "get", "cronjob", "mariadb-backup", "-o", "jsonpath={.status.active}").ok().out().isBlank());
    sql("mysql-0", "mysql", "INSERT INTO shop.orders VALUES (3, 'after the backup')").ok();

    awaitReady("restored-0");
    assertThat(sql("restored-0", "mariadb", "SHOW DATABASES").ok().out()).doesNotContain("shop");
    kubectl.runWithInput(RESTORE, "-n", NS, "apply", "-f", "-").ok();
    assertThat(kubectl.run("-n", NS, "wait", "--for=condition=complete", "job/restore", "--timeout=90s").ok().out())
        .contains("condition met");
    assertThat(kubectl.run("-n", NS, "logs", "job/restore").ok().out()).containsPattern("restoring /backup/dump-\\d+\\.sql").contains("restored");

    assertThat(sql("restored-0", "mariadb", "SELECT id, item FROM shop.orders ORDER BY id").ok().out())
        .isEqualTo("1\tapples\n2\tpears\n");

    kubectl.run("-n", NS, "delete", "cronjob", "mariadb-backup").ok();
    kubectl.run("-n", NS, "delete", "jobs", "--all", "--timeout=60s").ok();
  }
}
