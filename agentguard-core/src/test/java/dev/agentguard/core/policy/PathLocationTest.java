package dev.agentguard.core.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a literal path points: lexical normalisation, and the links of /proc and /dev/fd read the way that fails closed. */
class PathLocationTest {

    private static String at(String path) {
        PathLocation l = PathLocation.ofText(path, "/home/deploy");
        return l.kind() + " " + String.join("/", l.segments());
    }

    @Test
    void aProcesssRootIsTheRootAgainInEveryForm() {
        assertEquals("EXACT etc/shadow", at("/proc/self/root/etc/shadow"));
        assertEquals("EXACT etc/shadow", at("/proc/1/root/etc/shadow"));
        assertEquals("EXACT etc/shadow", at("/proc/self/task/1/root/etc/shadow"));
        assertEquals("EXACT etc/shadow", at("/proc/thread-self/root/etc/shadow"));
        assertEquals("EXACT etc/shadow", at("/proc/self/root/proc/1/task/2/root/etc/shadow"));
        assertEquals("EXACT ", at("/proc/self/root"));
    }

    @Test
    void aWorkingDirectoryOrAnOpenDescriptorLeadsUnderADirectoryNobodyKnows() {
        assertEquals("UNDER_UNKNOWN etc/shadow", at("/proc/self/cwd/etc/shadow"));
        assertEquals("UNDER_UNKNOWN etc/shadow", at("/proc/self/task/1/cwd/etc/shadow"));
        assertEquals("UNDER_UNKNOWN shadow", at("/proc/self/fd/3/shadow"));
        assertEquals("UNDER_UNKNOWN etc/shadow", at("/dev/fd/3/etc/shadow"));
        assertEquals("UNDER_UNKNOWN etc/shadow", at("/dev/stdin/etc/shadow"));
        assertEquals("UNDER_UNKNOWN ", at("/proc/self/cwd"));
    }

    @Test
    void afterADotDotALinkSegmentCutsTheKnownEnd() {
        assertEquals("UNDER_UNKNOWN etc/shadow", at("/proc/self/fd/../root/etc/shadow"));
        assertEquals("UNDER_UNKNOWN etc/shadow", at("/dev/fd/../root/etc/shadow"));
        assertEquals("UNDER_UNKNOWN etc/shadow", at("/x/../proc/self/task/1/cwd/etc/shadow"));
        assertEquals("UNDER_UNKNOWN etc/shadow", at("/var/log/../../etc/shadow"));
        assertEquals("UNDER_UNKNOWN etc/shadow", PathLocation.ofText("root/etc/shadow", null).kind() + " "
                + String.join("/", PathLocation.ofText("root/etc/shadow", null).segments()));
    }

    @Test
    void anotherProcesssOpenFileProgramOrMappedFileMayBeAnyFile() {
        assertEquals("UNDER_UNKNOWN ", at("/proc/1/fd/3"));
        assertEquals("UNDER_UNKNOWN ", at("/proc/self/exe"));
        assertEquals("UNDER_UNKNOWN ", at("/proc/1/map_files/7f00-7f01"));
        // The command's own descriptors are what its redirections show.
        assertEquals("EXACT proc/self/fd/1", at("/proc/self/fd/1"));
        assertEquals("EXACT dev/fd/2", at("/dev/fd/2"));
        assertEquals("EXACT dev/stdin", at("/dev/stdin"));
        assertEquals("EXACT proc/self/fd", at("/proc/self/fd"));
        assertTrue(PathLocation.ofText("/dev/fd/2", null).harmlessToWrite());
    }

    @Test
    void aProcFileSystemMountedElsewhereLinksTheSameWay() {
        assertEquals("UNDER_UNKNOWN etc/shadow", at("/srv/jail/proc/1/root/etc/shadow"));
        assertEquals("UNDER_UNKNOWN etc/shadow", at("/srv/jail/proc/self/cwd/etc/shadow"));
        assertEquals("EXACT srv/jail/proc/cpuinfo", at("/srv/jail/proc/cpuinfo"));
        assertEquals("EXACT home/deploy/proc/notes/x", at("proc/notes/x"));
        assertEquals("EXACT proc/cpuinfo", at("/proc/cpuinfo"));
        assertEquals("EXACT proc/1/status", at("/proc/1/status"));
    }

    @Test
    void aRecursiveReadOfADirectoryMayHoldWhatIsUnderIt() {
        PathGlob shadow = PathGlob.compile("/etc/shadow");
        assertTrue(PathLocation.ofText("/etc", null).mayHold(shadow, true));
        assertTrue(PathLocation.ofText("/", null).mayHold(shadow, true));
        assertTrue(PathLocation.ofText("/proc/self/root", null).mayHold(shadow, true));
        assertTrue(PathLocation.ofText("root", null).mayHold(shadow, true), "root under /proc/<pid> is the root");
        assertTrue(PathLocation.ofText("../etc", null).mayHold(shadow, true));
        assertFalse(PathLocation.ofText("/var/log", null).mayHold(shadow, true));
        assertFalse(PathLocation.ofText("/etc/ssh", null).mayHold(shadow, true));
        assertFalse(PathLocation.ofText("app", null).mayHold(shadow, true));
        PathGlob tree = PathGlob.compile("/var/log/app/**");
        assertTrue(PathLocation.ofText("/var/log/app/x", null).wholeTreeWithin(tree));
        assertFalse(PathLocation.ofText("/var/log", null).wholeTreeWithin(tree));
        assertFalse(PathLocation.ofText("/var/log/app/x", null).wholeTreeWithin(PathGlob.compile("/var/log/app/*")));
        assertFalse(PathLocation.ofText("x", null).wholeTreeWithin(tree));
        assertEquals(List.of(), PathLocation.ofText("/", null).segments());
    }
}
