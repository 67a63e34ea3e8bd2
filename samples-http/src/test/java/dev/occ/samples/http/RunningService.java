package dev.occ.samples.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.ExecuteListenerProvider;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service on a random port on its own database, started once for all test classes of the JVM
 * (and closed when JUnit finishes), with a real HTTP client ({@link HttpClient}). It also records every SQL statement jOOQ's execute listeners see, to
 * tell occ's direct path (which they do not see) from jOOQ's.
 */
final class RunningService implements BeforeAllCallback {

    /** The SQL of every statement jOOQ's execute listeners saw, in order. */
    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private ConfigurableApplicationContext context;
    private int port;

    /** The started application, closed by JUnit at the end of the run. */
    private record Started(ConfigurableApplicationContext context) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            context.close();
        }
    }
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Registers a listener beside Spring Boot's exception translator. */
    @Configuration(proxyBeanMethods = false)
    static class SeenStatements {
        @Bean
        ExecuteListenerProvider recordingListener() {
            return new DefaultExecuteListenerProvider(new ExecuteListener() {
                private static final long serialVersionUID = 1L;

                @Override
                public void executeStart(ExecuteContext ctx) {
                    SEEN.add(ctx.sql());
                }
            });
        }
    }

    @Override
    public void beforeAll(ExtensionContext extension) {
        context = extension.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(RunningService.class, k -> new Started(
                        new SpringApplicationBuilder(ResourceApplication.class, SeenStatements.class)
                                .run("--server.port=0")), Started.class)
                .context();
        port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** @return the service's address, such as {@code http://localhost:41234} */
    String base() {
        return "http://localhost:" + port;
    }

    /** @return the service's jOOQ context, for setting up rows the HTTP API does not create */
    DSLContext dsl() {
        return context.getBean(DSLContext.class);
    }

    /**
     * Sends a request.
     *
     * @param method GET, POST, ...
     * @param path such as {@code /resources/1}
     * @param body the body as JSON text, or {@code null}
     * @param headers header names and values
     * @return the response
     */
    HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> send(String method, String path, String body) {
        return send(method, path, body, Map.of());
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }
}
