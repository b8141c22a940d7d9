/**
 * A connection's recent rates, in and out, as two tiny SVG lines. SVG rather than canvas:
 * it takes its colours from the theme's CSS variables and costs nothing when not drawn
 * (rows are virtualised). Reads its ring from the store itself, so the row around it does
 * not re-render when only the history moves.
 */
import { memo } from 'react';
import { SPARK_SAMPLES, useConnectionsStore } from '../../stores/connections-store';

const WIDTH = 84;
const HEIGHT = 18;

function points(samples: readonly number[], max: number): string {
  const step = WIDTH / (SPARK_SAMPLES - 1);
  const offset = SPARK_SAMPLES - samples.length;
  return samples
    .map((value, i) => {
      const x = (offset + i) * step;
      const y = HEIGHT - 1 - (max > 0 ? (value / max) * (HEIGHT - 2) : 0);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

export const Sparkline = memo(function Sparkline({ id }: { readonly id: string }) {
  const spark = useConnectionsStore((state) => state.sparks[id]);
  if (!spark) return <svg className="sparkline" width={WIDTH} height={HEIGHT} aria-hidden="true" />;
  const max = Math.max(1, ...spark.bytesIn, ...spark.bytesOut);
  return (
    <svg
      className="sparkline"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      aria-hidden="true"
    >
      <polyline className="sparkline__out" points={points(spark.bytesOut, max)} />
      <polyline className="sparkline__in" points={points(spark.bytesIn, max)} />
    </svg>
  );
});
