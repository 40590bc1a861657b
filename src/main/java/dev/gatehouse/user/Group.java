package dev.gatehouse.user;

import java.util.List;

/** A named group and the usernames of its members. */
public record Group(String name, boolean requireMfa, List<String> members) {}
