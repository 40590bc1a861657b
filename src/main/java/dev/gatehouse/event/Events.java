package dev.gatehouse.event;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Publish/subscribe for {@link DomainEvent}s, in this process and, through {@link Announcement}s,
 * from the other nodes of a cluster.
 *
 * <p>The store's writer publishes the events of each committed unit on its own thread, in commit
 * order, before the unit's caller is released. So once a write has returned, every subscriber has
 * seen it, and subscribers see changes in the order they were committed. Handlers must therefore be
 * quick in-memory updates; a handler that throws is logged and does not stop the others.
 *
 * <p>In a cluster, a change committed by any node is announced to every node (this one included),
 * in commit order; {@link #announced} re-reads the changed row with the topic's re-reader and
 * publishes the events that row implies, so views update the same way whoever made the change.
 * Publishing is serialised (one publisher at a time: the writer or the listener), so a view never
 * applies two events at once.
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
  private final Map<String, Function<String, List<? extends DomainEvent>>> rereaders =
      new ConcurrentHashMap<>();
  private final List<Runnable> reloaders = new CopyOnWriteArrayList<>();
  private final ReentrantLock publishing = new ReentrantLock();

  public <E extends DomainEvent> void subscribe(Class<E> type, Consumer<? super E> handler) {
    subscriptions.add(new Subscription<>(type, handler));
  }

  public void publish(DomainEvent event) {
    publishing.lock();
    try {
      for (Subscription<?> subscription : subscriptions) {
        try {
          subscription.offer(event);
        } catch (RuntimeException e) {
          LOG.log(
              Level.SEVERE, "event subscriber failed on " + event.getClass().getSimpleName(), e);
        }
      }
    } finally {
      publishing.unlock();
    }
  }

  /**
   * How this node catches up with a change to {@code topic} that any node announced: {@code reread}
   * reads the row named by the key (outside any lock, from the database) and returns the events it
   * implies: "changed, here is its state" or "gone".
   */
  public void onAnnounced(String topic, Function<String, List<? extends DomainEvent>> reread) {
    if (rereaders.putIfAbsent(topic, reread) != null) {
      throw new IllegalStateException("a second re-reader for " + topic);
    }
  }

  /** Re-reads what {@code announcement} names and publishes what changed. */
  public void announced(Announcement announcement) {
    Function<String, List<? extends DomainEvent>> reread = rereaders.get(announcement.topic());
    if (reread == null) {
      LOG.fine(() -> "no re-reader for " + announcement.topic());
      return;
    }
    reread.apply(announcement.key()).forEach(this::publish);
  }

  /**
   * A view's full reload from the database, for when this node may have missed announcements (its
   * listening connection was lost). The reloader must replace the view's state, not add to it.
   */
  public void onReload(Runnable reload) {
    reloaders.add(reload);
  }

  /**
   * Reloads every view, holding publication meanwhile so no event is applied to a view and then
   * overwritten by an older read.
   */
  public void reloadAll() {
    publishing.lock();
    try {
      reloaders.forEach(Runnable::run);
    } finally {
      publishing.unlock();
    }
  }
}
