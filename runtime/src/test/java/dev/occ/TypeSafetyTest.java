package dev.occ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** What must not compile: javac itself, on snippets against the generated classes. */
class TypeSafetyTest {

    private static final String PREFIX = """
            import static dev.occ.Occ.*;
            import static dev.occ.test.db.Tables.*;
            import dev.occ.*;
            import dev.occ.test.db.tables.records.*;
            class Snippet {
                void run(LockingDSLContext db, AuditEventRecord audit, PlayerRecord player) {
            """;

    private static List<String> compile(String body) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject source = new SimpleJavaFileObject(URI.create("string:///Snippet.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return PREFIX + body + "\n}}\n";
            }
        };
        Path out = Files.createTempDirectory("occ-snippet");
        boolean ok = javac.getTask(null, null, diagnostics,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString()), null,
                List.of(source)).call();
        List<String> errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(null)).collect(Collectors.toList());
        assertEquals(ok, errors.isEmpty(), String.valueOf(errors));
        return errors;
    }

    @Test
    void theSnippetCompilesWhenThePolicyIsOnTheUpdatedTable() throws IOException {
        assertEquals(List.of(), compile(
                "db.update(RESOURCE).set(RESOURCE.NAME, \"x\").where(RESOURCE.ID.eq(1))"
                        + ".lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute();"
                        + "db.update(PLAYER).set(PLAYER.NUM_POINTS, 1).where(PLAYER.ID.eq(1))"
                        + ".lockingPolicy(optimistic(player)).execute();"));
    }

    @Test
    void aPolicyOnAnotherTablesColumnDoesNotCompile() throws IOException {
        List<String> errors = compile("db.update(RESOURCE).set(RESOURCE.NAME, \"x\").where(RESOURCE.ID.eq(1))"
                + ".lockingPolicy(optimistic(PLAYER.UPDATED_AT, java.time.OffsetDateTime.now())).execute();");
        assertEquals(1, errors.size(), String.valueOf(errors));
        assertTrue(errors.get(0).contains("PlayerRecord") && errors.get(0).contains("ResourceRecord"), errors.get(0));
    }

    @Test
    void lockingOnARecordOfATableWithoutVersionDoesNotCompile() throws IOException {
        List<String> errors = compile("db.update(AUDIT_EVENT).set(AUDIT_EVENT.TABLE_NAME, \"x\")"
                + ".where(AUDIT_EVENT.ID.eq(1L)).lockingPolicy(optimistic(audit)).execute();");
        assertEquals(1, errors.size(), String.valueOf(errors));
        assertTrue(errors.get(0).contains("optimistic"), errors.get(0));
    }

    @Test
    void aLockingPolicyIsOnlyReachableAfterWhere() throws IOException {
        List<String> errors = compile("db.update(RESOURCE).set(RESOURCE.NAME, \"x\")"
                + ".lockingPolicy(optimistic(RESOURCE.VERSION, 1)).execute();");
        assertEquals(1, errors.size(), String.valueOf(errors));
        assertTrue(errors.get(0).contains("lockingPolicy"), errors.get(0));
    }
}
