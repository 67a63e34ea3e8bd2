package dev.occ.benchmarks;

import java.util.Arrays;
import java.util.List;

/** Median, min and max of a set of samples. */
record Stats(double median, double min, double max, int n) {

    static Stats of(List<Double> samples) {
        double[] values = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return of(values);
    }

    static Stats of(double[] samples) {
        if (samples.length == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] values = samples.clone();
        Arrays.sort(values);
        int n = values.length;
        double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        return new Stats(median, values[0], values[n - 1], n);
    }

    /** {@code 1234 (1100..1300)}, with the given number format. */
    String format(String pattern) {
        return String.format(java.util.Locale.ROOT, pattern + " (" + pattern + " .. " + pattern + ")", median, min, max);
    }
}
