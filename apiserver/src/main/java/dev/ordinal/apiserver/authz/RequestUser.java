package dev.ordinal.apiserver.authz;

import dev.ordinal.apiserver.auth.UserInfo;
import java.util.function.Supplier;

/**
 * The user an API request runs for, visible to admission (escalation checks) without threading it
 * through every store call. Unset for the components inside the process, which write through the
 * in-process client and are trusted as the API server itself.
 */
public final class RequestUser {
  private static final ThreadLocal<UserInfo> CURRENT = new ThreadLocal<>();

  private RequestUser() {}

  /** The requesting user, or null inside the server's own components. */
  public static UserInfo current() {
    return CURRENT.get();
  }

  public static <T> T callAs(UserInfo user, Supplier<T> body) {
    UserInfo before = CURRENT.get();
    CURRENT.set(user);
    try {
      return body.get();
    } finally {
      if (before == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(before);
      }
    }
  }

  public static void runAs(UserInfo user, Runnable body) {
    callAs(user, () -> {
      body.run();
      return null;
    });
  }
}
