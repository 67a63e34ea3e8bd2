package dev.occ.codegen;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.jooq.codegen.AbstractDelegatingGeneratorStrategy;
import org.jooq.codegen.GeneratorStrategy;
import org.jooq.meta.Definition;

/**
 * Wraps the configured {@link GeneratorStrategy} (jOOQ's default, a matcher strategy or the user's
 * own) and adds occ's interfaces to the {@code implements} clause of versioned table and record
 * classes. Everything else is the wrapped strategy's.
 */
final class OccStrategy extends AbstractDelegatingGeneratorStrategy {

    private final BiFunction<Definition, Mode, String> extraInterface;

    /**
     * @param delegate the configured strategy
     * @param extraInterface gives the interface (with type arguments) to add for a definition and
     *     mode, or {@code null} to add none
     */
    OccStrategy(GeneratorStrategy delegate, BiFunction<Definition, Mode, String> extraInterface) {
        super(delegate);
        this.extraInterface = extraInterface;
    }

    @Override
    public List<String> getJavaClassImplements(Definition definition, Mode mode) {
        List<String> result = new ArrayList<>(delegate.getJavaClassImplements(definition, mode));
        String extra = extraInterface.apply(definition, mode);
        if (extra != null) {
            result.add(extra);
        }
        return result;
    }

    // AbstractDelegatingGeneratorStrategy leaves the naming methods to subclasses: all are the
    // delegate's.

    @Override
    public String getJavaIdentifier(Definition definition) {
        return delegate.getJavaIdentifier(definition);
    }

    @Override
    public String getJavaSetterName(Definition definition, Mode mode) {
        return delegate.getJavaSetterName(definition, mode);
    }

    @Override
    public String getJavaGetterName(Definition definition, Mode mode) {
        return delegate.getJavaGetterName(definition, mode);
    }

    @Override
    public String getJavaMethodName(Definition definition, Mode mode) {
        return delegate.getJavaMethodName(definition, mode);
    }

    @Override
    public String getJavaClassName(Definition definition, Mode mode) {
        return delegate.getJavaClassName(definition, mode);
    }

    @Override
    public String getJavaPackageName(Definition definition, Mode mode) {
        return delegate.getJavaPackageName(definition, mode);
    }

    @Override
    public String getJavaMemberName(Definition definition, Mode mode) {
        return delegate.getJavaMemberName(definition, mode);
    }
}
