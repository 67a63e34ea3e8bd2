package dev.occ.codegen;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated sources with the JDK's compiler against the test class path, which holds jOOQ
 * and the occ-runtime jar whose interfaces and version kinds the generated code refers to: a change
 * to them that breaks generated code breaks these tests.
 */
final class Compilation {

    private Compilation() {
    }

    /**
     * Compiles the sources into {@code classes}.
     *
     * @param sources the generated sources
     * @param classes the output directory
     * @return a class loader over the compiled classes whose parent is this test's (which has jOOQ
     *     and occ-runtime)
     * @throws AssertionError listing the compiler's errors when compilation fails
     */
    static ClassLoader compile(List<Path> sources, Path classes) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new AssertionError("no Java compiler: run the tests on a JDK, not a JRE");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            Files.createDirectories(classes);
            List<String> options = List.of("--release", "17", "-proc:none", "-encoding", "UTF-8",
                    "-classpath", testClassPath(), "-d", classes.toString());
            boolean ok = compiler.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            List<String> errors = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> d.getSource() + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                    .toList();
            if (!ok || !errors.isEmpty()) {
                throw new AssertionError("generated sources do not compile:\n"
                        + errors.stream().collect(Collectors.joining("\n")));
            }
            return new URLClassLoader(new URL[] {classes.toUri().toURL()}, Compilation.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** jOOQ, occ-runtime and their dependencies, as surefire gives them to the test JVM. */
    private static String testClassPath() {
        String path = System.getProperty("surefire.test.class.path");
        if (path == null || path.isBlank()) {
            path = System.getProperty("java.class.path");
        }
        return path + File.pathSeparator + Paths.get("target/classes").toAbsolutePath();
    }
}
