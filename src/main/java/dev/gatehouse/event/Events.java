package dev.gatehouse.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * In-process publish/subscribe for {@link DomainEvent}s.
 *
 * <p>The store's writer publishes the events of each committed unit on its own thread, in commit
 * order, before the unit's caller is released. So once a write has returned, every subscriber has
 * seen it, and subscribers see changes in the order they were committed. Handlers must therefore be
 * quick in-memory updates; a handler that throws is logged and does not stop the others.
 */
public final class Events {
  private static final Logger LOG = Logger.getLogger(Events.class.getName());

  private record Subscription<E extends DomainEvent>(Class<E> type, Consumer<? super E> handler) {
    void offer(DomainEvent event) {
      if (type.isInstance(event)) {
        handler.accept(type.cast(event));
      }
    }
  }

  private final List<Subscription<?>> subscriptions = new CopyOnWriteArrayList<>();

  public <E extends DomainEvent> void subscribe(Class<E> type, Consumer<? super E> handler) {
    subscriptions.add(new Subscription<>(type, handler));
  }

  public void publish(DomainEvent event) {
    for (Subscription<?> subscription : subscriptions) {
      try {
        subscription.offer(event);
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "event subscriber failed on " + event.getClass().getSimpleName(), e);
      }
    }
  }
}
