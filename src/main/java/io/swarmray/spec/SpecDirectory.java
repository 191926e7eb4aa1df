package io.swarmray.spec;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The watched directory: which spec files exist and what they say. {@link #scan()} reads only files
 * that changed, and only once they have been still for a moment: an editor's half-written file is
 * never acted on. Hidden files, editor leftovers and sub-directories (the status directory) are ignored.
 */
public final class SpecDirectory {
    private static final Logger LOG = Logger.getLogger(SpecDirectory.class);
    /** A file modified more recently than this is probably still being written: look again later. */
    public static final long SETTLE_MILLIS = 200;
    /** How many file names the log line of the first full read names. */
    private static final int FILES_NAMED = 20;

    /** What a scan did: the clusters whose spec view changed, and whether a file must be looked at again soon. */
    public record ScanResult(Set<String> changedClusters, boolean unsettled) {
    }

    private record Stamp(long size, long modifiedMillis, Object fileKey) {
    }

    private final Path dir;
    private final SpecParser parser;
    private final SpecRegistry registry;
    private final Map<String, Stamp> read = new HashMap<>();

    public SpecDirectory(Path dir, SpecParser parser, SpecRegistry registry) {
        this.dir = dir;
        this.parser = parser;
        this.registry = registry;
    }

    public Path dir() {
        return dir;
    }

    public static boolean isSpecFileName(String name) {
        return (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.startsWith(".") && !name.startsWith("#");
    }

    public synchronized ScanResult scan(long nowMillis) throws IOException {
        Map<String, Path> present = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (isSpecFileName(p.getFileName().toString())) {
                    present.put(displayName(p), p);
                }
            }
        }
        Set<String> changed = new HashSet<>();
        // Removals first: a renamed file is a removal and an addition, and must not look like a duplicate.
        for (String known : new HashSet<>(registry.fileNames())) {
            if (!present.containsKey(known)) {
                read.remove(known);
                changed.addAll(registry.remove(known));
            }
        }
        boolean unsettled = false;
        for (var e : present.entrySet()) {
            String display = e.getKey();
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(e.getValue(), BasicFileAttributes.class);
            } catch (NoSuchFileException gone) {
                continue; // vanished meanwhile, or a dangling link: absent
            }
            if (attrs.isDirectory()) {
                continue;
            }
            Stamp stamp = new Stamp(attrs.size(), attrs.lastModifiedTime().toMillis(), attrs.fileKey());
            if (stamp.equals(read.get(display))) {
                continue;
            }
            if (nowMillis - stamp.modifiedMillis() < SETTLE_MILLIS) {
                unsettled = true;
                continue;
            }
            SpecFile parsed = readFile(e.getValue(), display, attrs);
            if (parsed == null) {
                unsettled = true;
                continue;
            }
            read.put(display, stamp);
            changed.addAll(registry.update(parsed));
            logProblems(display);
        }
        // Only a scan that read every file counts: a file still being written at start-up (the operator killed just
        // after it rewrote one) is in no registry yet, and its running cluster must not look undeclared.
        if (!registry.allFilesRead() && !unsettled) {
            registry.markAllFilesRead();
            // what a restarted operator found, in its log: the files whose clusters it keeps; any other cluster goes
            LOG.infof("read the specs directory: %d spec files%s", present.size(), present.isEmpty()
                    ? ""
                    : " (" + present.values().stream().map(f -> f.getFileName().toString()).limit(FILES_NAMED)
                            .collect(Collectors.joining(", "))
                            + (present.size() > FILES_NAMED ? ", ..." : "") + ")");
        }
        return new ScanResult(changed, unsettled);
    }

    /** Each reading of a file logs its errors once, as the registry sees them (duplicates included). */
    private void logProblems(String display) {
        SpecRegistry.FileState f = registry.file(display);
        if (f != null) {
            f.errors().forEach(e -> LOG.warnf("spec error: %s", e));
            f.warnings().forEach(w -> LOG.infof("spec warning: %s", w));
        }
    }

    /** The display name (as in errors and the registry) of a file of this directory. */
    public String displayName(String fileName) {
        return dir.resolve(fileName).toString();
    }

    /** Writes a spec file atomically (a temporary hidden file, then a rename), as editors should. */
    public void write(String fileName, byte[] content) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + fileName, ".tmp");
        try {
            Files.write(tmp, content);
            Files.move(tmp, dir.resolve(fileName), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes a spec file and takes its content into the registry at once, not when the watcher next reads it: a
     * change that the operator itself makes (the autoscaler's replicas) is then never seen half-applied. The
     * watcher reads the file again later, to the same result.
     */
    public synchronized Set<String> writeAndLoad(String fileName, byte[] content) throws IOException {
        write(fileName, content);
        return registry.update(parser.parse(displayName(fileName), content));
    }

    public byte[] read(String fileName) throws IOException {
        return Files.readAllBytes(dir.resolve(fileName));
    }

    public void delete(String fileName) throws IOException {
        Files.deleteIfExists(dir.resolve(fileName));
    }

    /** Parses the file; null when it changed while being read (look again later). */
    private SpecFile readFile(Path p, String display, BasicFileAttributes before) throws IOException {
        if (Files.isSymbolicLink(p)) {
            Path target = p.toRealPath();
            if (!target.startsWith(dir.toRealPath())) {
                return refused(display, "is a symbolic link to " + target + ", outside the specs directory; refused");
            }
        }
        if (!before.isRegularFile()) {
            // A FIFO would block the scan forever; a device could be read without end.
            return refused(display, "is not a regular file (a FIFO, device or socket); refused");
        }
        if (before.size() > parser.maxBytes()) {
            return parser.tooLarge(display, before.size());
        }
        byte[] content;
        try {
            content = Files.readAllBytes(p);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            return refused(display, "cannot be read: " + e.getMessage());
        }
        BasicFileAttributes after = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!Files.isSymbolicLink(p) && (after.size() != content.length
                || after.lastModifiedTime().toMillis() != before.lastModifiedTime().toMillis())) {
            return null;
        }
        return parser.parse(display, content);
    }

    private static SpecFile refused(String display, String why) {
        return new SpecFile(display, List.of(), List.of(new SpecIssue(display, -1, "", why)), List.of());
    }

    /** The path users see in errors: the specs directory as configured, then the file name. */
    private String displayName(Path p) {
        return displayName(p.getFileName().toString());
    }
}
