package dev.ordinal.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;

/**
 * Names outside the cluster go to the host's own resolvers (from its resolv.conf, never back to
 * this server), each tried in turn with a short timeout; when none answers the client gets
 * SERVFAIL quickly rather than a hang.
 */
final class Forwarder {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private final List<SimpleResolver> upstreams = new ArrayList<>();

  Forwarder(Path resolvConf, List<InetAddress> ours) {
    try {
      for (String line : Files.readAllLines(resolvConf)) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 2 && f[0].equals("nameserver")) {
          InetAddress a = InetAddress.getByName(f[1]);
          if (!ours.contains(a)) {
            SimpleResolver r = new SimpleResolver(a);
            r.setTimeout(TIMEOUT);
            upstreams.add(r);
          }
        }
      }
    } catch (IOException e) {
      // no resolv.conf: nothing to forward to
    }
  }

  /** Whether a resolv.conf names search domains (pods' search lists then go on with them). */
  static boolean hasSearchDomains(Path resolvConf) {
    try {
      for (String line : Files.readAllLines(resolvConf)) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 2 && (f[0].equals("search") || f[0].equals("domain")) && !f[1].equals(".")) {
          return true;
        }
      }
    } catch (IOException e) {
      // none
    }
    return false;
  }

  Message forward(Message query) {
    for (SimpleResolver r : upstreams) {
      try {
        return r.send(query);
      } catch (IOException e) {
        // this one did not answer in time: the next
      }
    }
    Message fail = new Message(query.getHeader().getID());
    fail.getHeader().setRcode(Rcode.SERVFAIL);
    fail.getHeader().setFlag(org.xbill.DNS.Flags.QR);
    fail.getHeader().setFlag(org.xbill.DNS.Flags.RA);
    if (query.getQuestion() != null) {
      fail.addRecord(query.getQuestion(), org.xbill.DNS.Section.QUESTION);
    }
    return fail;
  }
}
