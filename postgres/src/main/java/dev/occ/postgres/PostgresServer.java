package dev.occ.postgres;

import java.util.Objects;

/**
 * A running PostgreSQL server that occ's tests, samples and code generation connect to.
 *
 * <p>Obtain the JVM's shared server with {@link Postgres#server()}; a server is never started
 * twice in one JVM. A server hands out JDBC URLs for the databases on it; the databases themselves
 * come from {@link TestDatabase}.
 */
public final class PostgresServer {

    private final String origin;
    private final String urlPrefix;
    private final String urlSuffix;
    private final String user;
    private final String password;
    private final boolean owned;
    private volatile String version;

    PostgresServer(String origin, String urlPrefix, String urlSuffix, String user, String password, boolean owned) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.urlPrefix = Objects.requireNonNull(urlPrefix, "urlPrefix");
        this.urlSuffix = Objects.requireNonNull(urlSuffix, "urlSuffix");
        this.user = user;
        this.password = password;
        this.owned = owned;
    }

    /**
     * A server reached through {@code url}; the database named in it is replaced per database.
     * Accepts {@code jdbc:postgresql://host[:port][,host2...][/database][?parameters]} and the short
     * form {@code jdbc:postgresql:database}.
     */
    static PostgresServer forUrl(String origin, String url, String user, String password, boolean owned) {
        String scheme = "jdbc:postgresql:";
        if (!url.startsWith(scheme)) {
            throw new IllegalArgumentException("not a " + scheme + " URL: " + url);
        }
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String suffix = query < 0 ? "" : url.substring(query);
        String prefix;
        if (base.startsWith(scheme + "//")) {
            int slash = base.indexOf('/', (scheme + "//").length());
            prefix = slash < 0 ? base + "/" : base.substring(0, slash + 1);
        } else {
            prefix = scheme; // jdbc:postgresql:database, the local server on the default port
        }
        return new PostgresServer(origin, prefix, suffix, user, password, owned);
    }

    /**
     * The JDBC URL of one database on this server.
     *
     * @param database the database name, unquoted
     * @return a {@code jdbc:postgresql:} URL
     */
    public String jdbcUrl(String database) {
        Objects.requireNonNull(database, "database cannot be null");
        return urlPrefix + database + urlSuffix;
    }

    /** @return the user to connect as */
    public String user() {
        return user;
    }

    /** @return the password to connect with, possibly {@code null} (trust authentication) */
    public String password() {
        return password;
    }

    /**
     * Whether occ started this server and deletes it when the JVM exits; {@code false} for a server
     * given by {@code OCC_JDBC_URL}, on which occ drops only the databases it created.
     *
     * @return true when the server is occ's own
     */
    public boolean isOwned() {
        return owned;
    }

    /** @return how the server was found, e.g. {@code "embedded server from /usr/lib/postgresql/15/bin"} */
    public String origin() {
        return origin;
    }

    /** @return the server's {@code server_version}, once a connection has asked for it */
    public String version() {
        return version;
    }

    void version(String version) {
        this.version = version;
    }

    @Override
    public String toString() {
        return "PostgreSQL " + (version == null ? "?" : version) + " (" + origin + ")";
    }
}
