package dev.occ.samples.http;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The OCC guide's resources over HTTP: a Spring Boot service with {@code spring-boot-starter-jooq}
 * and {@code -webmvc} on occ's PostgreSQL, and the single page that edits them
 * ({@code src/main/resources/static/index.html}).
 *
 * <pre>
 * mvn -B -q install -DskipTests &amp;&amp; mvn -B -q spring-boot:run -pl samples-http
 * </pre>
 */
@SpringBootApplication
public class ResourceApplication {

    /**
     * Starts the service; {@code --server.port=0} picks a free port.
     *
     * @param args Spring Boot's command line, such as {@code --server.port=8080}
     */
    public static void main(String[] args) {
        SpringApplication.run(ResourceApplication.class, args);
    }
}
