/**
 * A tunnel's throughput, in and out, drawn with uPlot: seeded with main's history
 * (getHistory), then one point a second from the live snapshots. By default the x axis spans
 * the tunnel's own lifetime (no empty past before it opened); the y axis ends on a round
 * tick (1, 2, 5 × 10ⁿ of a unit); the legend under it always shows the latest rates, so
 * nothing needs hovering. uPlot is loaded on demand, so its canvas code costs nothing until
 * a tunnel is opened in detail.
 */
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import type { HistoryPoint } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { useColorScheme } from '../../hooks/use-theme';
import { resolveColor } from '../../lib/css-color';
import { formatClock, formatRate } from '../../lib/format';
import { rateTicks, type RateTicks } from '../../lib/nice-ticks';
import { xRange } from '../../lib/plot-window';
import { useStatsStore } from '../../stores/stats-store';
import { Segmented } from '../common/Segmented';
import 'uplot/dist/uPlot.min.css';

const HEIGHT = 150;
const NO_POINTS: readonly HistoryPoint[] = [];
const WINDOWS = [
  { value: 'life', label: 'Since opened' },
  { value: '60', label: '1 min' },
  { value: '300', label: '5 min' },
  { value: '600', label: '10 min' },
] as const;
type WindowChoice = (typeof WINDOWS)[number]['value'];

function plotData(points: readonly HistoryPoint[]): uPlot.AlignedData {
  return [
    points.map((p) => p.at / 1000),
    points.map((p) => p.bytesInPerSecond),
    points.map((p) => p.bytesOutPerSecond),
  ];
}

/** Shows `points` within the window, the x axis ending at the newest point. */
function draw(chart: uPlot, points: readonly HistoryPoint[], seconds: number | null): void {
  const { min, max } = xRange(points, seconds, Date.now());
  chart.batch(() => {
    chart.setData(plotData(points.filter((p) => p.at / 1000 >= min)), false);
    chart.setScale('x', { min, max });
  });
}

function useSeededHistory(sessionId: string): readonly HistoryPoint[] {
  const api = useApi();
  const seeded = useStatsStore((state) => state.seeded[sessionId] === true);
  const history = useStatsStore((state) => state.history[sessionId] ?? NO_POINTS);
  useEffect(() => {
    if (seeded) return;
    let cancelled = false;
    api
      .getHistory({ sessionId })
      .then((points) => !cancelled && useStatsStore.getState().seedHistory(sessionId, points))
      // Without main's history the plot starts from the live points; nothing to report.
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [api, sessionId, seeded]);
  return history;
}

export function ThroughputPanel({
  sessionId,
  closed,
}: {
  readonly sessionId: string;
  readonly closed: boolean;
}) {
  const history = useSeededHistory(sessionId);
  const [windowChoice, setWindowChoice] = useState<WindowChoice>('life');
  const scheme = useColorScheme();
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const seconds = windowChoice === 'life' ? null : Number(windowChoice);
  // What to draw when the chart (loaded asynchronously) comes to exist.
  const latest = useRef({ history, seconds });
  useEffect(() => {
    latest.current = { history, seconds };
  });

  // (Re)build the chart when the colours change; the data follows in the next effect.
  useEffect(() => {
    const element = container.current!;
    let cancelled = false;
    let observer: ResizeObserver | undefined;
    import('uplot')
      .then(({ default: UPlot }) => {
        if (cancelled) return;
        const inColor = resolveColor(element, 'var(--chart-in)', '#3b82f6');
        const outColor = resolveColor(element, 'var(--chart-out)', '#f59e0b');
        const axisColor = resolveColor(element, 'var(--text-2)', '#888');
        const gridColor = resolveColor(element, 'var(--grid)', 'rgba(128,128,128,.2)');
        // The y ticks of the last range uPlot asked for: its splits and labels follow them.
        let yTicks: RateTicks = rateTicks(0);
        const axis = {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { stroke: gridColor, width: 1 },
          font: '11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
        };
        const chart = new UPlot(
          {
            width: Math.max(200, element.clientWidth),
            height: HEIGHT,
            cursor: { drag: { x: false, y: false } },
            // The legend is the panel's own (ThroughputLegend): always the latest values.
            legend: { show: false },
            // What was drawn, readable without the canvas (the browser specs check it).
            hooks: {
              draw: [
                (u) => {
                  element.dataset.yTicks = yTicks.ticks.join(' ');
                  element.dataset.xMin = String(u.scales.x?.min ?? '');
                  element.dataset.xMax = String(u.scales.x?.max ?? '');
                },
              ],
            },
            scales: {
              x: { time: true },
              y: {
                range: (_u, _min, max) => {
                  yTicks = rateTicks(max);
                  return [0, yTicks.top];
                },
              },
            },
            series: [
              { value: (_u, v) => (v == null ? '—' : formatClock(v * 1000)) },
              {
                label: '↓ In',
                stroke: inColor,
                width: 1.5,
                fill: inColor.replace(/^rgb\((.*)\)$/, 'rgba($1, 0.12)'),
                value: (_u, v) => (v == null ? '—' : formatRate(v)),
                points: { show: false },
              },
              {
                label: '↑ Out',
                stroke: outColor,
                width: 1.5,
                value: (_u, v) => (v == null ? '—' : formatRate(v)),
                points: { show: false },
              },
            ],
            axes: [
              // Wall-clock ticks in the app's format, one line each (uPlot's default stacks dates).
              {
                ...axis,
                space: 70,
                values: (_u, ticks) => ticks.map((t) => formatClock(t * 1000)),
              },
              {
                ...axis,
                size: 76,
                splits: () => [...yTicks.ticks],
                values: (_u, ticks) =>
                  ticks.map((v) => yTicks.labels[yTicks.ticks.indexOf(v)] ?? formatRate(v)),
              },
            ],
          },
          [[], [], []],
          element,
        );
        plot.current = chart;
        draw(chart, latest.current.history, latest.current.seconds);
        observer = new ResizeObserver(() =>
          chart.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT }),
        );
        observer.observe(element);
        setUnavailable(false);
      })
      .catch(() => !cancelled && setUnavailable(true));
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [scheme]);

  useEffect(() => {
    if (plot.current) draw(plot.current, history, seconds);
  }, [history, seconds]);

  const last = history.at(-1);
  return (
    <section className="panel panel--plot" aria-labelledby={`throughput-${sessionId}`}>
      <header className="panel__header">
        <h2 className="panel__title" id={`throughput-${sessionId}`}>
          Throughput
        </h2>
        <p className="panel__hint">
          {closed ? 'the tunnel is closed' : 'bytes per second, a point a second'}
        </p>
        <Segmented
          label="Plot window"
          value={windowChoice}
          options={WINDOWS}
          onChange={setWindowChoice}
          size="small"
        />
      </header>
      <div
        ref={container}
        className="plot"
        data-testid="throughput-plot"
        role="img"
        aria-label={
          last
            ? `Throughput plot; latest ${formatRate(last.bytesInPerSecond)} in, ${formatRate(last.bytesOutPerSecond)} out`
            : 'Throughput plot; no data yet'
        }
      />
      <ThroughputLegend last={last} />
      {unavailable ? <p className="panel__notice">The plot cannot be drawn here.</p> : null}
    </section>
  );
}

/** The series and their latest values, always shown (the plot needs no hovering to read). */
export function ThroughputLegend({ last }: { readonly last: HistoryPoint | undefined }) {
  const entries = [
    { key: 'in', label: '↓ In', value: last?.bytesInPerSecond },
    { key: 'out', label: '↑ Out', value: last?.bytesOutPerSecond },
  ] as const;
  return (
    <dl className="plot-legend" aria-label="Latest throughput">
      {entries.map((entry) => (
        <div key={entry.key} className="plot-legend__entry">
          <dt>
            <span
              className={`plot-legend__marker plot-legend__marker--${entry.key}`}
              aria-hidden="true"
            />
            {entry.label}
          </dt>
          <dd className="mono" data-testid={`legend-${entry.key}`} data-value={entry.value ?? ''}>
            {entry.value === undefined ? '—' : formatRate(entry.value)}
          </dd>
        </div>
      ))}
    </dl>
  );
}
