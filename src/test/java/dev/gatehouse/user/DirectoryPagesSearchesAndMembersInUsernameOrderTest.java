package dev.gatehouse.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.event.Events;
import dev.gatehouse.store.Listing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The console's search and large groups' member pages, from memory: the right window of the right
 * users in username order, the full count, any case, and what was typed taken literally.
 */
class DirectoryPagesSearchesAndMembersInUsernameOrderTest {
  private static UserDirectory directory(int users) {
    List<User> all = new ArrayList<>();
    for (int i = users; i >= 1; i--) { // loaded in reverse: order must come from the page
      all.add(
          new User(
              "id-" + i,
              String.format("user-%05d", i),
              i % 2 == 0 ? "Person" + i + "@Example.TEST" : null,
              i % 3 == 0 ? "Mx Third " + i : null,
              false,
              i % 10 == 0 ? List.of("everyone", "tenth") : List.of("everyone"),
              Instant.EPOCH,
              Instant.EPOCH));
    }
    UserDirectory directory = new UserDirectory(new Events(), Set.of());
    directory.load(all, Set.of());
    return directory;
  }

  private static List<String> names(Listing<Principal> page) {
    return page.items().stream().map(Principal::username).toList();
  }

  @Test
  void membersArePagedInUsernameOrderWithTheirCount() {
    UserDirectory directory = directory(5_000);
    Listing<Principal> first = directory.members("everyone", 50, 0);
    assertThat(first.total()).isEqualTo(5_000);
    assertThat(names(first))
        .hasSize(50)
        .startsWith("user-00001", "user-00002")
        .endsWith("user-00050");
    assertThat(names(directory.members("everyone", 50, 4_975))).hasSize(25).endsWith("user-05000");
    Listing<Principal> tenth = directory.members("tenth", 50, 50);
    assertThat(tenth.total()).isEqualTo(500);
    assertThat(names(tenth).getFirst()).isEqualTo("user-00510");
    assertThat(directory.members("nobody", 50, 0).total()).isZero();
  }

  @Test
  void searchMatchesAnyPartOfUsernameEmailOrNameInAnyCase() {
    UserDirectory directory = directory(5_000);
    assertThat(names(directory.search("USER-0004", 50, 0)))
        .containsExactly(
            "user-00040",
            "user-00041",
            "user-00042",
            "user-00043",
            "user-00044",
            "user-00045",
            "user-00046",
            "user-00047",
            "user-00048",
            "user-00049");
    assertThat(names(directory.search("person42@example", 50, 0))).containsExactly("user-00042");
    assertThat(directory.search("PERSON42", 50, 0).total())
        .as("42, 420-429, 4200-4299 even")
        .isEqualTo(56);
    Listing<Principal> third = directory.search("mx third", 10, 10);
    assertThat(third.total()).isEqualTo(1_666);
    assertThat(names(third).getFirst()).isEqualTo("user-00033");
    assertThat(directory.search("user_0", 50, 0).total()).as("_ is literal").isZero();
    assertThat(directory.search("%", 50, 0).total()).isZero();
    assertThat(directory.search("  ", 50, 0).total()).as("blank: everyone").isEqualTo(5_000);
  }
}
