package dev.occ.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;

/**
 * Hibernate ORM 6 with {@code @Version}, as an application writes it: a session per request,
 * {@code find}, modify, commit. Hibernate flushes only inside a transaction, so it has no autocommit
 * variant: every update is one Hibernate transaction (SELECT, then UPDATE .. AND version = ?).
 */
final class HibernateVersion extends Contender {

    /** One session factory per JVM, as in an application; sessions get each contender's connection. */
    private static SessionFactory sessionFactory;

    private final SessionFactory factory;

    HibernateVersion(Connection connection, int[] ids) {
        super(connection, ids);
        this.factory = sessionFactory();
    }

    static synchronized SessionFactory sessionFactory() {
        if (sessionFactory == null) {
            StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                    .applySetting("hibernate.dialect", "org.hibernate.dialect.PostgreSQLDialect")
                    // connections come from the benchmark (SessionFactory.withOptions().connection(..))
                    .applySetting("hibernate.boot.allow_jdbc_metadata_access", "false")
                    .applySetting("hibernate.show_sql", "false")
                    .build();
            sessionFactory = new MetadataSources(registry)
                    .addAnnotatedClass(ResourceEntity.class)
                    .addAnnotatedClass(DocumentEntity.class)
                    .buildMetadata()
                    .buildSessionFactory();
        }
        return sessionFactory;
    }

    @Override
    String name() {
        return "Hibernate @Version";
    }

    /** Hibernate begins and commits its own transactions, always. */
    @Override
    void transactional(boolean transactional) throws SQLException {
        this.transactional = false;
        connection.setAutoCommit(true);
    }

    @Override
    void write(int row, int value) {
        try (Session session = factory.withOptions().connection(connection).openSession()) {
            Transaction tx = session.beginTransaction();
            ResourceEntity r = session.find(ResourceEntity.class, ids[row]);
            r.setName(NAMES[value]);
            r.setData(JSONS[value]);
            tx.commit();
        }
    }
}
