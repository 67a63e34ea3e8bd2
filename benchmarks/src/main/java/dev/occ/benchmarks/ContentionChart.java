package dev.occ.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The contention sweep as a PNG: one panel per number of hot rows, median throughput against threads,
 * of the strategies occ#15 compares: optimistic + RetryPolicy, {@code SELECT .. FOR UPDATE}, the
 * adaptive policy and plain atomic increments (the table in RESULTS.md has every strategy).
 */
final class ContentionChart {

    /** The strategies on the chart, in the legend's order. */
    static final List<Contention.Strategy> CHARTED = List.of(Contention.Strategy.OPTIMISTIC,
            Contention.Strategy.PESSIMISTIC, Contention.Strategy.ADAPTIVE, Contention.Strategy.INCREMENT);

    private ContentionChart() {
    }

    static void write(List<Contention.Cell> cells, List<Integer> hotRows, List<Integer> threads, String subtitle,
            Path png) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        for (int hot : hotRows) {
            XYChart chart = new XYChartBuilder().width(560).height(500)
                    .title(hot + " hot row" + (hot == 1 ? "" : "s") + " (" + subtitle + ")")
                    .xAxisTitle("threads").yAxisTitle("successful updates / s").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setXAxisDecimalPattern("0");
            chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(13f));
            for (Contention.Strategy s : CHARTED) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (int t : threads) {
                    cells.stream().filter(c -> c.strategy() == s && c.hotRows() == hot && c.threads() == t)
                            .findFirst().ifPresent(c -> {
                                x.add((double) t);
                                y.add(c.opsPerSecond().median());
                            });
                }
                if (!x.isEmpty()) {
                    chart.addSeries(s.label, x, y).setMarker(SeriesMarkers.CIRCLE);
                }
            }
            charts.add(chart);
        }
        String file = png.toString();
        String base = file.endsWith(".png") ? file.substring(0, file.length() - 4) : file;
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), base, BitmapEncoder.BitmapFormat.PNG);
    }
}
