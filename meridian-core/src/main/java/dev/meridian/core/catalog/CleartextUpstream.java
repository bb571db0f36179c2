package dev.meridian.core.catalog;

import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A base URL of a provider that has a key configured, which would carry that key in cleartext to
 * another machine: not {@code https://}, and not to a loopback host. Found by {@link
 * ApiKeys#cleartextUpstreams}; the launcher refuses them unless told otherwise.
 *
 * @param url the base URL as configured; print {@link #where()} instead, which drops any user info
 */
public record CleartextUpstream(String provider, String region, String url) {
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
  private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

  /** Scheme, host, port and path of the URL, safe to log (no user info). */
  public String where() {
    URL parsed = parse(url);
    if (parsed == null) {
      return "an unparseable URL";
    }
    return parsed.getProtocol() + "://" + parsed.getHost() + (parsed.getPort() >= 0 ? ":" + parsed.getPort() : "")
        + parsed.getPath();
  }

  /**
   * Whether a key sent to {@code url} could be read on the wire: anything but {@code https} (the
   * scheme {@link java.net.URL} and Vert.x would use, case-insensitive), unless the host is loopback.
   * A URL that does not parse counts as exposed: nothing proves it stays on this machine.
   */
  public static boolean exposesKey(String url) {
    if (url == null) {
      return false;
    }
    var scheme = SCHEME.matcher(url);
    if (scheme.find() && scheme.group(1).equalsIgnoreCase("https")) {
      return false;
    }
    URL parsed = parse(url);
    return parsed == null || !isLoopbackHost(parsed.getHost());
  }

  /**
   * {@code localhost}, an IPv4 literal in 127.0.0.0/8, or an IPv6 literal that is loopback ({@code [::1]}
   * in any spelling). Decided from the text alone, never by a DNS lookup, so a name such as {@code
   * 127.example.com} is not loopback. IPv4 is accepted only in strict dotted-quad form: resolvers
   * read {@code 0127.0.0.1} as octal, {@code 127.1} as shorthand, and neither spelling is worth the
   * ambiguity.
   */
  static boolean isLoopbackHost(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      String literal = host.substring(1, host.length() - 1);
      if (!literal.contains(":")) {
        return false;
      }
      try {
        // A literal containing ':' is parsed, never resolved.
        return InetAddress.getByName(literal).isLoopbackAddress();
      } catch (UnknownHostException | SecurityException e) {
        return false;
      }
    }
    if (!IPV4.matcher(host).matches()) {
      return false;
    }
    String[] octets = host.split("\\.");
    for (String octet : octets) {
      if (Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return octets[0].equals("127");
  }

  /** The startup or reload refusal naming each provider and region, never a key. */
  public static String refusal(List<CleartextUpstream> found) {
    StringBuilder text =
        new StringBuilder("refusing to send provider API keys in cleartext to hosts that are not loopback: ");
    for (int i = 0; i < found.size(); i++) {
      CleartextUpstream upstream = found.get(i);
      text.append(i == 0 ? "" : "; ")
          .append("provider '").append(upstream.provider()).append("' in region '").append(upstream.region())
          .append("' has a key and the base URL ").append(upstream.where());
    }
    return text.append(". Use https:// base URLs, or --allow-cleartext-upstreams true (MERIDIAN_ALLOW_CLEARTEXT_UPSTREAMS)"
            + " if the network in between is trusted.")
        .toString();
  }

  private static URL parse(String url) {
    try {
      // The parser the router's upstream client uses, so the host checked is the host connected to.
      return new URL(url);
    } catch (MalformedURLException | RuntimeException e) {
      return null;
    }
  }
}
