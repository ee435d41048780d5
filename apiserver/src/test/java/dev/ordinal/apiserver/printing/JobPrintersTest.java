package dev.ordinal.apiserver.printing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobPrintersTest {
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  @Test
  void jobColumns() {
    ObjectNode done = obj("{'metadata':{'name':'pi','creationTimestamp':'2026-11-23T11:50:00Z'},'spec':{'completions':3,'parallelism':2,"
        + "'selector':{'matchLabels':{'batch.kubernetes.io/controller-uid':'u'}},'template':{'spec':{'containers':[{'name':'pi','image':'perl'}]}}},"
        + "'status':{'succeeded':3,'startTime':'2026-11-23T11:50:00Z','completionTime':'2026-11-23T11:50:42Z',"
        + "'conditions':[{'type':'SuccessCriteriaMet','status':'True'},{'type':'Complete','status':'True'}]}}");
    assertThat(JobPrinters.JOB.cells(done, NOW)).containsExactly("pi", "Complete", "3/3", "42s", "10m", "pi", "perl",
        "batch.kubernetes.io/controller-uid=u");
    ObjectNode queue = obj("{'metadata':{'name':'q'},'spec':{'parallelism':4},'status':{'startTime':'2026-11-23T11:59:00Z'}}");
    assertThat(JobPrinters.JOB.cells(queue, NOW).subList(1, 4)).containsExactly("Running", "0/1 of 4", "60s");
    ObjectNode failing = obj("{'metadata':{'name':'f'},'spec':{'completions':1},'status':{'conditions':[{'type':'FailureTarget','status':'True'}]}}");
    assertThat(JobPrinters.JOB.cells(failing, NOW).subList(1, 4)).containsExactly("FailureTarget", "0/1", "");
  }

  @Test
  void cronJobColumns() {
    ObjectNode cj = obj("{'metadata':{'name':'tick','creationTimestamp':'2026-11-23T10:00:00Z'},'spec':{'schedule':'*/5 * * * *',"
        + "'timeZone':'Europe/Berlin','suspend':false,'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'c','image':'busybox'}]}}}}},"
        + "'status':{'active':[{'name':'tick-1'}],'lastScheduleTime':'2026-11-23T11:55:00Z'}}");
    assertThat(JobPrinters.CRON_JOB.cells(cj, NOW)).containsExactly("tick", "*/5 * * * *", "Europe/Berlin", "False", 1L, "5m", "120m",
        "c", "busybox", "<none>");
  }
}
