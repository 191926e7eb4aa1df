package io.swarmray.spec;

/**
 * What a look into the {@link SpecRegistry} found, and whether every spec file had been read by then. Only then does
 * "no spec" mean deleted: before, the file may just not have been read (a restarted operator's first scan leaves a
 * file written a moment before as settling). Both come from one call, so no pass can ask them in the wrong order: one
 * did, and a scan that ended between its lookup and its question made a spec it had not seen look deleted
 * (OperatorCrashIT on the native binary, CI 2026-12-06: a running cluster removed and made again 0.5 s later).
 *
 * @param found what the registry holds; null when no spec declares it
 * @param allFilesRead whether every file of the specs directory had been read when it looked
 */
public record Lookup<T>(T found, boolean allFilesRead) {
}
