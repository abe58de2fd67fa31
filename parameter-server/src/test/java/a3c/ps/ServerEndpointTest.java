package a3c.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerEndpointTest {
  @ParameterizedTest(name = "--bind {0}, --auth-token ''{1}''")
  @CsvSource({"127.0.0.1, ''", "::1, ''", "localhost, ''", "0.0.0.0, s3cret", "198.18.0.1, s3cret"})
  void noWarning_onLoopback_orWithASecret(String bind, String token) {
    assertNull(endpoint(bind, token).openWithoutSecret());
  }

  @ParameterizedTest(name = "--bind {0}")
  @CsvSource({"0.0.0.0", "::", "198.18.0.1"})
  void otherHostsCanReachIt_withNoSecret_isWarnedOf(String bind) {
    assertEquals("listening on " + bind + " with no --auth-token: whoever reaches this port can join and push updates "
        + "(give the server and its workers the same --auth-token, or A3C_AUTH_TOKEN)", endpoint(bind, null).openWithoutSecret());
  }

  private static ServerEndpoint endpoint(String bind, String token) {
    ServerEndpoint endpoint = new ServerEndpoint();
    endpoint.bind = bind;
    endpoint.authToken = token;
    return endpoint;
  }
}
