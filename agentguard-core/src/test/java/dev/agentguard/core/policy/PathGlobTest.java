package dev.agentguard.core.policy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Path globs: exact matching, paths under an unknown directory (deny), shell globs covered (allow) or overlapping (deny). */
class PathGlobTest {

    private static List<String> p(String path) {
        return path.equals("/") ? List.of() : List.of(path.substring(1).split("/"));
    }

    @Test
    void matchesSegmentByWithStarsWithinAndDoubleStarsAcrossSegments() {
        PathGlob logs = PathGlob.compile("/var/log/app/**");
        assertTrue(logs.matches(p("/var/log/app"), false));
        assertTrue(logs.matches(p("/var/log/app/a/b.log"), false));
        assertFalse(logs.matches(p("/var/log/application"), false));
        assertFalse(logs.matches(p("/var/log"), false));
        PathGlob star = PathGlob.compile("/var/log/*.log");
        assertTrue(star.matches(p("/var/log/x.log"), false));
        assertFalse(star.matches(p("/var/log/a/x.log"), false));
        PathGlob middle = PathGlob.compile("/home/**/.ssh/*");
        assertTrue(middle.matches(p("/home/.ssh/id"), false));
        assertTrue(middle.matches(p("/home/a/b/.ssh/id"), false));
        assertTrue(PathGlob.compile("/").matches(p("/"), false));
        assertFalse(PathGlob.compile("/").matches(p("/etc"), false));
        assertTrue(PathGlob.compile("/**").matches(p("/etc/shadow"), false));
    }

    @Test
    void ignoresCaseOnlyWhenAsked() {
        PathGlob shadow = PathGlob.compile("/etc/shadow");
        assertTrue(shadow.matches(p("/ETC/Shadow"), true));
        assertFalse(shadow.matches(p("/ETC/Shadow"), false));
    }

    @Test
    void aPathUnderAnUnknownDirectoryMayMatchWhenItsEndCan() {
        PathGlob shadow = PathGlob.compile("/etc/shadow");
        assertTrue(shadow.mayMatchUnder(List.of("shadow"), false));
        assertTrue(shadow.mayMatchUnder(List.of("etc", "shadow"), false));
        assertTrue(shadow.mayMatchUnder(List.of(), false));
        assertFalse(shadow.mayMatchUnder(List.of("passwd"), false));
        assertFalse(shadow.mayMatchUnder(List.of("x", "etc", "shadow"), false));
        assertTrue(PathGlob.compile("/etc/**").mayMatchUnder(List.of("anything", "at", "all"), false));
        assertTrue(PathGlob.compile("/etc/*/x").mayMatchUnder(List.of("y", "x"), false));
    }

    @Test
    void coversAShellGlobOnlyWhenEveryExpansionSurelyMatches() {
        PathGlob logs = PathGlob.compile("/var/log/app/**");
        assertTrue(logs.covers(List.of("var", "log", "app", "*.log")));
        assertTrue(logs.covers(List.of("var", "log", "app", "*", "x?")));
        assertFalse(logs.covers(List.of("var", "log", "*", "x.log")));
        assertFalse(logs.covers(List.of("var", "log", "app", ".*")), "'.*' can expand to '..'");
        assertFalse(logs.covers(List.of("var", "log", "app", "[.]*")));
        assertFalse(logs.covers(List.of("var", "log", "app", "..")));
        assertFalse(logs.covers(List.of("var", "log", "app", ".?")));
        assertFalse(logs.covers(List.of("var", "log", "**", "x")));
        assertTrue(logs.covers(List.of("var", "log", "app", "**")));
        PathGlob star = PathGlob.compile("/var/log/*.log");
        assertTrue(star.covers(List.of("var", "log", "*.log")));
        assertFalse(star.covers(List.of("var", "log", "*")));
        assertFalse(star.covers(List.of("var", "log", "[ab].log")));
        assertTrue(PathGlob.compile("/var/log/*").covers(List.of("var", "log", "[ab].log")));
    }

    @Test
    void aShellGlobOverlapsWhenSomeExpansionMayMatch() {
        PathGlob shadow = PathGlob.compile("/etc/shadow");
        assertTrue(shadow.mayOverlap(List.of("etc", "sha*"), false));
        assertTrue(shadow.mayOverlap(List.of("e*", "s?adow"), false));
        assertTrue(shadow.mayOverlap(List.of("etc", "[s]hadow"), false));
        assertTrue(shadow.mayOverlap(List.of("**", "shadow"), false));
        assertTrue(shadow.mayOverlap(List.of("etc", "SHA*"), true));
        assertFalse(shadow.mayOverlap(List.of("etc", "x*"), false));
        assertFalse(shadow.mayOverlap(List.of("var", "*"), false));
        assertFalse(shadow.mayOverlap(List.of("etc", "sha\\*"), false), "an escaped star is a star");
        assertTrue(PathGlob.compile("/etc/sha*").mayOverlap(List.of("etc", "*w"), false));
    }

    @Test
    void decidesPathsAsLongAsTheLongestLineInOnePass() {
        List<String> deep = new java.util.ArrayList<>(java.util.Collections.nCopies(30_000, "a"));
        deep.add("shadow");
        PathGlob shadow = PathGlob.compile("/etc/**/a/shadow");
        assertFalse(shadow.matches(deep, true));
        assertTrue(shadow.mayMatchUnder(deep, true));
        assertFalse(shadow.mayOverlap(deep, true), "a glob starts at the root, which is not /etc");
        assertTrue(PathGlob.compile("/**/a/shadow").mayOverlap(deep, true));
        deep.set(30_000, "passwd");
        assertFalse(shadow.mayMatchUnder(deep, true));
        assertTrue(PathGlob.compile("/a/**").covers(deep.subList(0, 29_999)));
    }

    @Test
    void aDirectoryMayHoldAMatchWhenAHeadOfThePatternMatchesIt() {
        PathGlob shadow = PathGlob.compile("/etc/shadow");
        assertTrue(shadow.mayMatchBelow(p("/"), false, false));
        assertTrue(shadow.mayMatchBelow(p("/etc"), false, false));
        assertTrue(shadow.mayMatchBelow(p("/etc/shadow"), false, false));
        assertTrue(shadow.mayMatchBelow(p("/ETC"), true, false));
        assertFalse(shadow.mayMatchBelow(p("/ETC"), false, false));
        assertFalse(shadow.mayMatchBelow(p("/etc/ssh"), false, false));
        assertFalse(shadow.mayMatchBelow(p("/var"), false, false));
        assertFalse(shadow.mayMatchBelow(p("/etc/shadow/x"), false, false));
        PathGlob keys = PathGlob.compile("/home/*/.ssh/**");
        assertTrue(keys.mayMatchBelow(p("/home"), false, false));
        assertTrue(keys.mayMatchBelow(p("/home/deploy"), false, false));
        assertTrue(keys.mayMatchBelow(p("/home/deploy/.ssh/x"), false, false));
        assertFalse(keys.mayMatchBelow(p("/home/deploy/app"), false, false));
        // Under an unknown directory: some head of some tail of the pattern.
        assertTrue(shadow.mayMatchBelow(List.of("etc"), false, true));
        assertTrue(shadow.mayMatchBelow(List.of(), false, true));
        assertFalse(shadow.mayMatchBelow(List.of("var"), false, true));
        assertFalse(shadow.mayMatchBelow(List.of("x", "etc"), false, true));
    }

    @Test
    void aShellGlobMayHoldAMatchWhenSomeExpansionIsADirectoryAboveIt() {
        PathGlob shadow = PathGlob.compile("/etc/shadow");
        assertTrue(shadow.mayOverlapBelow(List.of("e*"), false));
        assertTrue(shadow.mayOverlapBelow(List.of("*"), false));
        assertTrue(shadow.mayOverlapBelow(List.of("etc", "sha*"), false));
        assertFalse(shadow.mayOverlapBelow(List.of("v*"), false));
        assertFalse(shadow.mayOverlapBelow(List.of("etc", "ssh*"), false));
        assertFalse(shadow.mayOverlap(List.of("e*"), false), "the directory itself is not the file");
    }

    @Test
    void shellGlobMatchingReadsStarsQuestionMarksBracketsAndEscapes() {
        assertTrue(PathGlob.shellGlobMatches("c?t", "cat", false));
        assertTrue(PathGlob.shellGlobMatches("*", "", false));
        assertTrue(PathGlob.shellGlobMatches("[abc]at", "cat", false));
        assertTrue(PathGlob.shellGlobMatches("a\\*", "a*", false));
        assertFalse(PathGlob.shellGlobMatches("a\\*", "ab", false));
        assertFalse(PathGlob.shellGlobMatches("c?t", "coat", false));
    }
}
