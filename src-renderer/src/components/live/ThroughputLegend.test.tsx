import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ThroughputLegend } from './ThroughputPanel';

afterEach(cleanup);

describe('the throughput legend', () => {
  it('shows the latest rates without hovering', () => {
    render(<ThroughputLegend last={{ at: 1, bytesInPerSecond: 2048, bytesOutPerSecond: 0 }} />);
    expect(screen.getByTestId('legend-in').textContent).toBe('2.00 KiB/s');
    expect(screen.getByTestId('legend-out').textContent).toBe('0 B/s');
  });

  it('says there is nothing yet before the first point', () => {
    render(<ThroughputLegend last={undefined} />);
    expect(screen.getByTestId('legend-in').textContent).toBe('—');
    expect(screen.getByTestId('legend-in').dataset.value).toBe('');
  });
});
