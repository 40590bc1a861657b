package dev.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.jar.Attributes;
import org.junit.jupiter.api.Test;

/**
 * {@code gatehouse version} as the build's manifest has it: version, commit, uncommitted changes.
 */
class VersionNamesTheBuildAndItsCommitTest {
  private static Attributes manifest(String commit, String dirty) {
    Attributes attributes = new Attributes();
    attributes.putValue("Implementation-Version", "0.1.0");
    attributes.putValue("Gatehouse-Commit", commit);
    attributes.putValue("Gatehouse-Dirty", dirty);
    return attributes;
  }

  @Test
  void theJarSaysWhichCommitItWasBuiltFrom() {
    assertThat(Main.Version.describe(manifest("d34e5ce", "false")))
        .isEqualTo("gatehouse 0.1.0 (commit d34e5ce)");
    assertThat(Main.Version.describe(manifest("d34e5ce", "true")))
        .isEqualTo("gatehouse 0.1.0 (commit d34e5ce, uncommitted changes)");
  }

  @Test
  void withoutGitOrOutsideAJarItSaysNoMoreThanItKnows() {
    assertThat(Main.Version.describe(manifest("${git.commit.id.abbrev}", "${git.dirty}")))
        .isEqualTo("gatehouse 0.1.0");
    assertThat(Main.Version.describe(null)).isEqualTo("gatehouse dev");
  }
}
