package dev.gatehouse.crypto;

/** Argon2id cost parameters: memory in KiB, iterations, lanes. */
public record Argon2Params(int memoryKiB, int iterations, int parallelism) {}
