package dev.occ.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link RenderBenchmark} through JMH with its GC profiler. */
final class Jmh {

    /** One benchmark: time per call over the measurement iterations, and bytes allocated per call. */
    record Score(String benchmark, Stats nanosPerOp, double bytesPerOp) {
    }

    private Jmh() {
    }

    /**
     * @param quick one short iteration, in this JVM (for the smoke test); otherwise the annotations'
     *     forks and iterations
     */
    static List<Score> run(boolean quick) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(RenderBenchmark.class.getName() + "\\.")
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        if (quick) {
            options.forks(0).warmupIterations(1).warmupTime(TimeValue.milliseconds(100))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        List<Score> scores = new ArrayList<>();
        for (RunResult run : results) {
            BenchmarkParams params = run.getParams();
            String name = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            List<Double> iterations = new ArrayList<>();
            run.getBenchmarkResults().forEach(b -> {
                for (IterationResult it : b.getIterationResults()) {
                    iterations.add(it.getPrimaryResult().getScore());
                }
            });
            double bytes = Double.NaN;
            for (String key : run.getSecondaryResults().keySet()) {
                if (key.endsWith("gc.alloc.rate.norm")) {
                    bytes = run.getSecondaryResults().get(key).getScore();
                }
            }
            scores.add(new Score(name, Stats.of(iterations), bytes));
        }
        return scores;
    }
}
