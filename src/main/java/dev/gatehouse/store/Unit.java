package dev.gatehouse.store;

/** A unit of work for the writer: all of it commits, or none of it. */
@FunctionalInterface
public interface Unit<T> {
  T run(Tx tx);
}
