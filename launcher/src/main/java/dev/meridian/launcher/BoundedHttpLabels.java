package dev.meridian.launcher;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keeps vertx-micrometer's per-request HTTP series ({@code vertx_http_server_*}, {@code
 * vertx_http_client_*}, on with {@code --vertx-http-metrics}) to a bounded set of label values: their
 * {@code method} label is the request line's method as the client wrote it, so any unauthenticated
 * client could add a label set per made-up method. A method outside RFC 9110's and PATCH is counted as
 * {@value #OTHER}. Their other default labels ({@code code}) are status codes Meridian writes.
 */
final class BoundedHttpLabels implements MeterFilter {
  static final String OTHER = "other";
  static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  @Override
  public Meter.Id map(Meter.Id id) {
    String name = id.getName();
    if (!name.startsWith("vertx.http.") && !name.startsWith("vertx_http_")) {
      return id;
    }
    String method = id.getTag("method");
    if (method == null || METHODS.contains(method)) {
      return id;
    }
    List<Tag> tags = new ArrayList<>();
    for (Tag tag : id.getTagsAsIterable()) {
      tags.add(tag.getKey().equals("method") ? Tag.of("method", OTHER) : tag);
    }
    return id.replaceTags(tags);
  }
}
