package dev.meridian.core.catalog;

import java.util.Objects;

/** A deployment region such as {@code us-east}; routers and endpoints both live in one. */
public record Region(String id, String displayName) {
  public Region {
    Objects.requireNonNull(id, "id");
    displayName = displayName == null ? id : displayName;
  }
}
