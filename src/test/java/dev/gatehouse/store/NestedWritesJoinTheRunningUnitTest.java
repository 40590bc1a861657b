package dev.gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.event.DomainEvent;
import dev.gatehouse.event.Events;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A unit that calls {@code write} for another feature's change runs it inline, in its own unit:
 * both commit together, a failure in either leaves neither, and the inner unit's events are
 * published with the outer one's, once, after the commit. From an event handler (no unit running) a
 * write is still refused, since it would wait for the writer that runs the handler.
 */
class NestedWritesJoinTheRunningUnitTest {
  @TempDir Path dir;

  private record Marked(String what) implements DomainEvent {}

  @Test
  void aNestedWriteCommitsOrFailsWithItsUnit() {
    Events events = new Events();
    List<String> published = new CopyOnWriteArrayList<>();
    events.subscribe(Marked.class, e -> published.add(e.what()));
    try (Store store = TestStores.open(dir, events)) {
      Writer writer = store.writer();

      writer.write(
          tx -> {
            TestStores.addGroup(tx, "outer");
            tx.publish(new Marked("outer"));
            return writer.write(
                inner -> {
                  TestStores.addGroup(inner, "inner");
                  inner.publish(new Marked("inner"));
                  return null;
                });
          });

      assertThat(groups(store)).containsExactly("inner", "outer");
      assertThat(published).containsExactly("outer", "inner");

      assertThatThrownBy(
              () ->
                  writer.write(
                      tx -> {
                        TestStores.addGroup(tx, "before");
                        tx.publish(new Marked("before"));
                        writer.write(
                            inner -> {
                              TestStores.addGroup(inner, "doomed");
                              throw new IllegalStateException("the inner change is refused");
                            });
                        return null;
                      }))
          .hasMessage("the inner change is refused");

      assertThat(groups(store)).containsExactly("inner", "outer");
      assertThat(published).containsExactly("outer", "inner");
    }
  }

  private static List<String> groups(Store store) {
    return store
        .reads()
        .read(q -> q.list("SELECT name FROM groups_ ORDER BY name", r -> r.getString(1)));
  }
}
