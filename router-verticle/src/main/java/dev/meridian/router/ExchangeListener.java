package dev.meridian.router;

/** Told about every finished request, on the event loop; must be quick and must not throw. */
@FunctionalInterface
public interface ExchangeListener {
  ExchangeListener NONE = record -> {};

  void onExchange(ExchangeRecord record);
}
