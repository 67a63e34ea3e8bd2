package dev.occ.codegen;

import static dev.occ.codegen.OccGeneratorTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.occ.postgres.FlywayPostgresDatabase;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.jooq.Constants;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Logging;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The plugin configuration the README tells users to copy names the right artifacts and classes,
 * and its {@code <configuration>}, run as it stands over a project of a user's, generates versioned
 * classes. (That the whole plugin element works in a fresh Maven project was checked by hand, as the
 * issue asks; this keeps the README from drifting from the code.)
 */
class ReadmeConfigurationTest {

    private static final Path README = Paths.get("../README.md").toAbsolutePath().normalize();

    static Element plugins;
    static Element plugin;

    @BeforeAll
    static void readReadme() throws Exception {
        String readme = Files.readString(README);
        int section = readme.indexOf("## Generating classes");
        assertTrue(section >= 0, "README has no \"## Generating classes\" section");
        Matcher xml = Pattern.compile("```xml\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(xml.find(section), "no xml block in the README's \"Generating classes\" section");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.group(1).getBytes(StandardCharsets.UTF_8)));
        plugins = doc.getDocumentElement();
        plugin = plugin(plugins, "jooq-codegen-maven");
    }

    private static Element plugin(Element plugins, String artifactId) {
        assertEquals("plugins", plugins.getTagName(), "the README's snippet is a <plugins> element");
        for (var n = plugins.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("plugin")
                    && child(e, "artifactId").getTextContent().equals(artifactId)) {
                return e;
            }
        }
        throw new AssertionError("the README's <plugins> has no " + artifactId);
    }

    /**
     * [occ#11] Maven 3.8's default compiler plugin compiles for Java 5: the snippet names the compiler
     * plugin occ builds with, and Java 17.
     */
    @Test
    void compilerPluginThatCompilesJava17() throws Exception {
        Element compiler = plugin(plugins, "maven-compiler-plugin");
        assertEquals("org.apache.maven.plugins", child(compiler, "groupId").getTextContent());
        assertEquals(rootProperty("compiler-plugin.version"), child(compiler, "version").getTextContent());
        assertEquals(rootProperty("maven.compiler.release"),
                child(child(compiler, "configuration"), "release").getTextContent());
    }

    @Test
    void pluginAndDependencyCoordinates() throws Exception {
        assertEquals("plugin", plugin.getTagName());
        assertEquals("org.jooq", child(plugin, "groupId").getTextContent());
        assertEquals("jooq-codegen-maven", child(plugin, "artifactId").getTextContent());
        assertEquals(Constants.VERSION, child(plugin, "version").getTextContent());
        Element execution = child(child(plugin, "executions"), "execution");
        assertEquals("generate-sources", child(execution, "phase").getTextContent());
        assertEquals("generate", child(child(execution, "goals"), "goal").getTextContent());

        Element dependency = child(child(plugin, "dependencies"), "dependency");
        assertEquals("dev.occ", child(dependency, "groupId").getTextContent());
        assertEquals("occ-codegen", child(dependency, "artifactId").getTextContent());
        assertEquals(projectVersion(), child(dependency, "version").getTextContent());
    }

    @Test
    void configurationGeneratesVersionedClasses(@TempDir Path project) throws Exception {
        Path migrations = Files.createDirectories(project.resolve("src/main/resources/db/migration"));
        Path fixture = Generation.FIXTURES.resolve("readme/V1__readme_example.sql");
        Files.copy(fixture, migrations.resolve(fixture.getFileName()));

        Configuration configuration = GenerationTool.load(new ByteArrayInputStream(
                xml(child(plugin, "configuration")).getBytes(StandardCharsets.UTF_8)));
        assertEquals(OccGenerator.class.getName(), configuration.getGenerator().getName());
        assertEquals(FlywayPostgresDatabase.class.getName(), configuration.getGenerator().getDatabase().getName());
        // as jooq-codegen-maven runs it: the project's base directory, output under it
        configuration.setBasedir(project.toString());
        configuration.setLogging(Logging.WARN);
        GenerationTool.generate(configuration);

        // two schemas: a package of its own each, as the README says
        Path root = project.resolve("target/generated-sources/jooq/com/example/db");
        Path tables = root.resolve("public_/tables");
        assertContains(Files.readString(tables.resolve("Note.java")), "implements VersionedTable<NoteRecord, Long> {");
        assertContains(Files.readString(tables.resolve("Player.java")),
                "implements VersionedTable<PlayerRecord, OffsetDateTime> {");
        assertFalse(Files.readString(tables.resolve("Tag.java")).contains("VersionedTable"));
        assertContains(Files.readString(root.resolve("billing/tables/Invoice.java")),
                "implements VersionedTable<InvoiceRecord, Long> {");
        assertContains(Files.readString(root.resolve("public_/Tables.java")), "package com.example.db.public_;");
        assertContains(Files.readString(root.resolve("billing/Tables.java")), "package com.example.db.billing;");
    }

    private static Element child(Element parent, String name) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("<" + parent.getTagName() + "> in the README has no <" + name + ">");
    }

    private static String xml(Element element) throws Exception {
        var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        StringWriter out = new StringWriter();
        transformer.transform(new DOMSource(element), new StreamResult(out));
        return out.toString();
    }

    /** A property of the root pom. */
    private static String rootProperty(String name) throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Paths.get("../pom.xml").toFile());
        return child(child(pom.getDocumentElement(), "properties"), name).getTextContent();
    }

    /** The version in the root pom, which users install. */
    private static String projectVersion() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Paths.get("../pom.xml").toFile());
        return child(pom.getDocumentElement(), "version").getTextContent();
    }
}
