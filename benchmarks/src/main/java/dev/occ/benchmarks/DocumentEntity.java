package dev.occ.benchmarks;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A hand-written Hibernate entity of the {@code document} table, locked by {@code @Version}: the batch scenario's. */
@Entity
@Table(name = "document")
public class DocumentEntity {

    @Id
    private Long id;

    @Column(nullable = false)
    private String title;

    @Column(nullable = false)
    private String body;

    @Version
    private Long version;

    protected DocumentEntity() {
    }

    /** A detached entity as a batch job has it: key, the version it read, and the new body. */
    DocumentEntity(long id, String title, String body, long version) {
        this.id = id;
        this.title = title;
        this.body = body;
        this.version = version;
    }

    public Long getId() {
        return id;
    }

    public String getBody() {
        return body;
    }

    public Long getVersion() {
        return version;
    }
}
