package dev.occ.postgres;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An existing server named by {@code OCC_JDBC_URL}, {@code OCC_JDBC_USER} and
 * {@code OCC_JDBC_PASSWORD}, or by the system properties {@code occ.jdbc.url}, {@code occ.jdbc.user}
 * and {@code occ.jdbc.password}.
 */
final class ExternalServerSource implements PostgresSource {

    static final String URL = "OCC_JDBC_URL";
    static final String USER = "OCC_JDBC_USER";
    static final String PASSWORD = "OCC_JDBC_PASSWORD";

    private final Function<String, String> environment;

    /**
     * @param environment reads a setting such as {@code OCC_JDBC_URL}, {@code null} when unset; the
     *     default is {@link #environmentOrSystemProperty}
     */
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
            throw new IllegalStateException(URL + " must be a jdbc:postgresql: URL, but starts with "
                    + url.substring(0, Math.min(url.length(), 16)));
        }
        String user = setting(USER);
        // The origin is printed: leave out the parameters, which may hold a password.
        int query = url.indexOf('?');
        String shown = query < 0 ? url : url.substring(0, query) + "?...";
        return Optional.of(PostgresServer.forUrl("existing server " + shown + " (" + URL + ")", url,
                user == null || user.isBlank() ? System.getProperty("user.name") : user, setting(PASSWORD), false));
    }

    private String setting(String variable) {
        return environment.apply(variable);
    }

    /**
     * The environment variable, else the system property of the same name in lower case with dots
     * ({@code OCC_JDBC_URL}, {@code occ.jdbc.url}).
     */
    static String environmentOrSystemProperty(String variable) {
        String value = System.getenv(variable);
        return value != null ? value : System.getProperty(variable.toLowerCase(Locale.ROOT).replace('_', '.'));
    }
}
