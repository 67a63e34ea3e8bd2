package dev.occ.benchmarks;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.ColumnTransformer;

/** A hand-written Hibernate entity of the {@code resource} table, locked by {@code @Version}. */
@Entity
@Table(name = "resource")
public class ResourceEntity {

    @Id
    private Integer id;

    @Column(nullable = false)
    private String name;

    /** jsonb, read as text and written with a cast: no JSON library needed. */
    @ColumnTransformer(write = "?::jsonb")
    @Column(nullable = false)
    private String data;

    @Version
    private Integer version;

    protected ResourceEntity() {
    }

    public Integer getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getData() {
        return data;
    }

    public void setData(String data) {
        this.data = data;
    }

    public Integer getVersion() {
        return version;
    }
}
