package dev.gatehouse.audit;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** Events newest first, and the cursor of the next (older) page, or null on the last page. */
public record AuditPage(List<AuditEvent> events, @Nullable String nextCursor) {}
