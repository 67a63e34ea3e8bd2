package dev.occ.codegen.postgres;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** An existing server named by {@code OCC_JDBC_URL}. */
final class ExternalServerSource implements PostgresSource {

    static final String URL = "OCC_JDBC_URL";
    static final String USER = "OCC_JDBC_USER";
    static final String PASSWORD = "OCC_JDBC_PASSWORD";

    private final Function<String, String> environment;

    ExternalServerSource(Function<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public String name() {
        return URL;
    }

    @Override
    public Optional<PostgresServer> start(Consumer<String> whyNot) {
        String url = setting(URL);
        if (url == null || url.isBlank()) {
            whyNot.accept(URL + " is not set");
            return Optional.empty();
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException(URL + " must be a jdbc:postgresql: URL, but is " + url);
        }
        String user = setting(USER);
        return Optional.of(PostgresServer.forUrl("existing server " + url + " (" + URL + ")", url,
                user == null ? System.getProperty("user.name") : user, setting(PASSWORD), false));
    }
    private String setting(String variable) {
        String value = environment.apply(variable);
        if (value == null) {
            value = System.getProperty(variable.toLowerCase().replace('_', '.'));
        }
        return value;
    }
}
