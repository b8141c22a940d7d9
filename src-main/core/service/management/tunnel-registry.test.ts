/**
 * The tunnel registry on its own, over a recording data plane and a fake clock: a tunnel
 * closes at the end of its lifetime, each side's state and its time follow the data
 * plane, and a closed tunnel keeps its tokens unrotated.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SideDescription, TunnelDescription, TunnelSpec } from '../service-tunnel.js';
import { ManagementError } from './errors.js';
import { TunnelRegistry, type DataPlane, type RegistryNotice } from './tunnel-registry.js';

function side(connected: boolean, connectedAt?: number): SideDescription {
  return { connected, connections: connected ? 1 : 0, bufferedBytes: 0, connectedAt };
}

/** A data plane that records calls; its sides connect when a test says so. */
class RecordingPlane implements DataPlane {
  readonly calls: string[] = [];
  readonly state = new Map<string, { source: SideDescription; destination: SideDescription }>();

  addTunnel(spec: TunnelSpec): void {
    this.calls.push(`add ${spec.services.join(',')}`);
    this.state.set(spec.id, { source: side(false), destination: side(false) });
  }
  closeTunnel(id: string, reason?: string): void {
    this.calls.push(`close ${reason}`);
    this.state.set(id, { source: side(false), destination: side(false) });
  }
  describeTunnel(id: string): TunnelDescription {
    const sides = this.state.get(id)!;
    return {
      id,
      services: [],
      status: 'OPEN',
      ...sides,
      bytesToDestination: 0,
      bytesToSource: 0,
      bytesDropped: 0,
    };
  }
  rotateAccessToken(_id: string, mode: 'source' | 'destination'): void {
    this.calls.push(`rotate ${mode}`);
  }
}

let plane: RecordingPlane;
let registry: TunnelRegistry;
beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  plane = new RecordingPlane();
  registry = new TunnelRegistry(plane, {
    region: 'eu-west-1',
    accountId: '111122223333',
    maxOpenTunnels: 5,
  });
});
afterEach(() => {
  registry.dispose();
  vi.useRealTimers();
});

describe('TunnelRegistry', () => {
  it('closes a tunnel when its maximum lifetime ends, and says so to subscribers', () => {
    const notices: RegistryNotice[] = [];
    registry.subscribe((notice) => notices.push(notice));
    const opened = registry.open({
      thingName: 'pi-1',
      services: ['SSH1'],
      maxLifetimeTimeoutMinutes: 2,
    });
    expect(opened.tunnelArn).toBe(`arn:aws:iot:eu-west-1:111122223333:tunnel/${opened.tunnelId}`);
    vi.advanceTimersByTime(119_000);
    expect(registry.describe(opened.tunnelId).status).toBe('OPEN');
    vi.advanceTimersByTime(1_000);
    expect(registry.describe(opened.tunnelId).status).toBe('CLOSED');
    expect(plane.calls).toEqual([
      'add SSH1',
      'close the tunnel reached its maximum lifetime of 2 minutes',
    ]);
    expect(notices.map((n) => n.kind)).toEqual(['notify', 'closed']);
  });

  it("follows each side's connection and the time it changed", () => {
    const opened = registry.open({ services: ['SSH1'] });
    const created = Date.now();
    expect(registry.describe(opened.tunnelId).destinationConnectionState).toEqual({
      status: 'DISCONNECTED',
      lastUpdatedAt: created,
    });
    vi.advanceTimersByTime(5_000);
    plane.state.get(opened.tunnelId)!.destination = side(true, created + 4_000);
    expect(registry.describe(opened.tunnelId).destinationConnectionState).toEqual({
      status: 'CONNECTED',
      lastUpdatedAt: created + 4_000,
    });
    vi.advanceTimersByTime(5_000);
    plane.state.get(opened.tunnelId)!.destination = side(false);
    const left = registry.describe(opened.tunnelId);
    expect(left.destinationConnectionState).toEqual({
      status: 'DISCONNECTED',
      lastUpdatedAt: created + 10_000,
    });
    expect(left.lastUpdatedAt).toBe(created + 10_000);
  });

  it('rotates only open tunnels, and only the sides asked for', () => {
    const opened = registry.open({ services: ['SSH1'] });
    const rotated = registry.rotate(opened.tunnelId, 'SOURCE', undefined);
    expect(rotated.sourceAccessToken).toMatch(/^AQGAAXi[A-Za-z0-9_-]{400,}$/);
    expect(rotated.destinationAccessToken).toBeUndefined();
    expect(plane.calls.at(-1)).toBe('rotate source');
    registry.close(opened.tunnelId, false);
    expect(() => registry.rotate(opened.tunnelId, 'ALL', undefined)).toThrow(ManagementError);
  });

  it('counts open tunnels against the quota; closed ones do not count', () => {
    const ids = Array.from({ length: 5 }, () => registry.open({ services: ['SSH1'] }).tunnelId);
    expect(() => registry.open({ services: ['SSH1'] })).toThrow(/limit of 5 open tunnels/);
    registry.close(ids[0]!, true);
    expect(registry.open({ services: ['SSH1'] }).tunnelId).toBeDefined();
    expect(registry.openCount).toBe(5);
  });
});
