package dev.occ.samples.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.config.BeanPostProcessor;
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
 * (and closed when JUnit finishes), with a real HTTP client ({@link HttpClient}), under Spring
 * Boot's jOOQ defaults. It also records the SQL of every statement jOOQ executes ({@link #SEEN}),
 * to tell occ's direct path from jOOQ's.
 */
final class RunningService implements BeforeAllCallback {

    /** The SQL of every statement jOOQ prepared (not occ's direct path), in order. */
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

    /**
     * Records the SQL of every statement prepared through jOOQ's execution, on the service's own
     * data source (a proxy of each connection), without an execute listener: a listener that
     * watches more than failures would itself turn occ's direct path off. A statement prepared by
     * occ's direct path ({@code dev.occ.internal.direct} on the stack) is not recorded.
     */
    @Configuration(proxyBeanMethods = false)
    static class SeenStatements {
        @Bean
        static BeanPostProcessor recordingDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource ds ? proxy(DataSource.class, ds) : bean;
                }
            };
        }

        private static <T> T proxy(Class<T> type, T target) {
            return type.cast(Proxy.newProxyInstance(RunningService.class.getClassLoader(), new Class<?>[] { type },
                    (self, method, args) -> {
                        if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql
                                && !onDirectPath()) {
                            SEEN.add(sql);
                        }
                        Object result;
                        try {
                            result = method.invoke(target, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        return result instanceof Connection c && method.getName().equals("getConnection")
                                ? proxy(Connection.class, c) : result;
                    }));
        }

        private static boolean onDirectPath() {
            return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                    f -> f.getClassName().startsWith("dev.occ.internal.direct.")));
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
