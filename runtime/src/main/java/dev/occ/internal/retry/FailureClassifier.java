package dev.occ.internal.retry;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Decides which failures are worth another attempt, with Failsafe's vocabulary: a failure is
 * <em>handled</em> (retried) when it matches a handled type, a handled SQLSTATE or a handle
 * predicate, unless it matches an <em>abort</em> type or predicate: abort wins over handle.
 *
 * <p>Types and SQLSTATEs are looked for in the failure's whole {@linkplain #chain(Throwable) chain}:
 * its causes and, for a {@link SQLException}, its {@linkplain SQLException#getNextException() next
 * exceptions}, because jOOQ wraps what the driver throws (and what a unit throws that is not a
 * {@link RuntimeException}). Predicates see the failure as the unit threw it, and may walk the chain
 * themselves.
 *
 * <p>Immutable: each {@code handle..} and {@code abort..} method returns a new classifier. Its
 * arguments are checked by {@link dev.occ.RetryPolicy.Builder}, with messages for its users; here
 * a {@code null} only fails.
 *
 * @param handledTypes failures of these types, anywhere in the chain, are retried
 * @param handledSqlStates SQL exceptions with these SQLSTATEs, anywhere in the chain, are retried
 * @param handlePredicates failures for which one of these is true are retried
 * @param abortTypes failures with one of these types anywhere in the chain are never retried
 * @param abortPredicates failures for which one of these is true are never retried
 */
public record FailureClassifier(
        List<Class<? extends Throwable>> handledTypes,
        List<String> handledSqlStates,
        List<Predicate<? super Throwable>> handlePredicates,
        List<Class<? extends Throwable>> abortTypes,
        List<Predicate<? super Throwable>> abortPredicates) {

    /**
     * Copies the lists, so that the classifier cannot change.
     *
     * @param handledTypes the types retried
     * @param handledSqlStates the SQLSTATEs retried
     * @param handlePredicates the predicates that say a failure is retried
     * @param abortTypes the types never retried
     * @param abortPredicates the predicates that say a failure is never retried
     * @throws NullPointerException when a list or one of its elements is {@code null}
     */
    public FailureClassifier {
        handledTypes = List.copyOf(handledTypes);
        handledSqlStates = List.copyOf(handledSqlStates);
        handlePredicates = List.copyOf(handlePredicates);
        abortTypes = List.copyOf(abortTypes);
        abortPredicates = List.copyOf(abortPredicates);
    }

    /**
     * A classifier that retries these types and SQLSTATEs, and nothing else.
     *
     * @param types the types retried
     * @param sqlStates the SQLSTATEs retried
     * @return the classifier
     */
    public static FailureClassifier handling(List<Class<? extends Throwable>> types, List<String> sqlStates) {
        return new FailureClassifier(types, sqlStates, List.of(), List.of(), List.of());
    }

    /**
     * This classifier, retrying these types too.
     *
     * @param types the further types
     * @return a new classifier
     */
    public FailureClassifier handle(Collection<Class<? extends Throwable>> types) {
        return new FailureClassifier(plus(handledTypes, types), handledSqlStates, handlePredicates, abortTypes,
                abortPredicates);
    }

    /**
     * This classifier, retrying these SQLSTATEs too.
     *
     * @param sqlStates the further SQLSTATEs
     * @return a new classifier
     */
    public FailureClassifier handleSqlStates(Collection<String> sqlStates) {
        return new FailureClassifier(handledTypes, plus(handledSqlStates, sqlStates), handlePredicates, abortTypes,
                abortPredicates);
    }

    /**
     * This classifier, retrying the failures for which {@code predicate} is true too.
     *
     * @param predicate the further predicate
     * @return a new classifier
     */
    public FailureClassifier handleIf(Predicate<? super Throwable> predicate) {
        return new FailureClassifier(handledTypes, handledSqlStates, plus(handlePredicates, List.of(predicate)),
                abortTypes, abortPredicates);
    }

    /**
     * This classifier, never retrying these types, even when they are handled.
     *
     * @param types the types that abort
     * @return a new classifier
     */
    public FailureClassifier abortOn(Collection<Class<? extends Throwable>> types) {
        return new FailureClassifier(handledTypes, handledSqlStates, handlePredicates, plus(abortTypes, types),
                abortPredicates);
    }

    /**
     * This classifier, never retrying the failures for which {@code predicate} is true, even when
     * they are handled.
     *
     * @param predicate the predicate that aborts
     * @return a new classifier
     */
    public FailureClassifier abortIf(Predicate<? super Throwable> predicate) {
        return new FailureClassifier(handledTypes, handledSqlStates, handlePredicates, abortTypes,
                plus(abortPredicates, List.of(predicate)));
    }

    /**
     * Whether {@code failure} is worth another attempt: it is handled and does not abort.
     *
     * @param failure the failure, or {@code null}
     * @return true when the unit should run again; false for {@code null}
     * @throws RuntimeException what a predicate throws
     */
    public boolean retries(Throwable failure) {
        if (failure == null) {
            return false;
        }
        List<Throwable> chain = chain(failure);
        if (abortPredicates.stream().anyMatch(p -> p.test(failure))
                || chain.stream().anyMatch(t -> isInstance(abortTypes, t))) {
            return false;
        }
        return chain.stream().anyMatch(t -> isInstance(handledTypes, t)
                        || t instanceof SQLException sql && sql.getSQLState() != null
                                && handledSqlStates.contains(sql.getSQLState()))
                || handlePredicates.stream().anyMatch(p -> p.test(failure));
    }

    /**
     * The failure, its causes and the {@linkplain SQLException#getNextException() next exceptions}
     * of the SQL exceptions among them, and theirs, each once, breadth first; a cycle ends the walk.
     *
     * @param failure the failure, or {@code null}
     * @return the chain, the failure first; empty for {@code null}
     */
    public static List<Throwable> chain(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> chain = new ArrayList<>();
        Deque<Throwable> todo = new ArrayDeque<>();
        if (failure != null) {
            todo.add(failure);
        }
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            chain.add(t);
            if (t instanceof SQLException sql && sql.getNextException() != null) {
                todo.add(sql.getNextException());
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
        }
        return chain;
    }

    private static boolean isInstance(List<Class<? extends Throwable>> types, Throwable t) {
        return types.stream().anyMatch(type -> type.isInstance(t));
    }

    private static <T> List<T> plus(List<T> list, Collection<? extends T> more) {
        return Stream.concat(list.stream(), more.stream()).distinct().toList();
    }

    /**
     * Says what is handled and what aborts, such as
     * {@code handle=[ConflictException, 40001, 40P01, 1 predicate], abortOn=[IOException]}.
     *
     * @return the description
     */
    @Override
    public String toString() {
        String handled = describe(handledTypes, handledSqlStates, handlePredicates);
        String aborts = describe(abortTypes, List.of(), abortPredicates);
        return "handle=[" + handled + "]" + (aborts.isEmpty() ? "" : ", abortOn=[" + aborts + "]");
    }

    private static String describe(List<Class<? extends Throwable>> types, List<String> sqlStates,
            List<Predicate<? super Throwable>> predicates) {
        Stream<String> parts = Stream.concat(types.stream().map(Class::getSimpleName), sqlStates.stream());
        if (!predicates.isEmpty()) {
            parts = Stream.concat(parts,
                    Stream.of(predicates.size() + " predicate" + (predicates.size() == 1 ? "" : "s")));
        }
        return parts.collect(Collectors.joining(", "));
    }
}
