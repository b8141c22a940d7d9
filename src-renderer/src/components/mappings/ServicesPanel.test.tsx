import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TunnelDeskApp } from '../../../../src-main/app/app.js';
import type { TunnelDeskApi } from '../../../../src-main/ipc/contract.js';
import '../../test-support/node-realm';
import { usePushEvents } from '../../hooks/use-push-events';
import { useSession } from '../../stores/sessions-store';
import { renderWithApi, spyOn, startTestApp, stopTestApp } from '../../test-support/harness';
import { ServicesPanel } from './ServicesPanel';

let app: TunnelDeskApp;
let api: TunnelDeskApi;

beforeEach(() => {
  ({ app, api } = startTestApp());
});

afterEach(async () => {
  await stopTestApp(app);
});

const SERVICES = [
  { serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.1' },
  { serviceId: 'SSH1', port: 'auto', bindAddress: '127.0.0.1' },
] as const;

function Panel({ api, sessionId }: { api: TunnelDeskApi; sessionId: string }) {
  usePushEvents(api);
  const session = useSession(sessionId);
  return session ? <ServicesPanel session={session} /> : null;
}

async function boundPort(serviceId: string): Promise<number> {
  const element = await screen.findByTestId(`bound-port-${serviceId}`);
  await waitFor(() => expect(element.dataset.port).toMatch(/^\d+$/));
  return Number(element.dataset.port);
}

describe('the mapping editor', () => {
  it("shows main's own message for a bad port as you type, and will not apply it", async () => {
    const session = await api.openSandbox({ services: [...SERVICES] });
    renderWithApi(api, <Panel api={api} sessionId={session.id} />);
    await boundPort('HTTP1');
    const expected = await api.checkMapping({
      serviceId: 'HTTP1',
      port: '70000',
      bindAddress: '127.0.0.1',
    });
    expect(expected.ok).toBe(false);

    const input = screen.getByTestId('mapping-port-HTTP1');
    await userEvent.clear(input);
    await userEvent.type(input, '70000');

    const message = screen.getByTestId('mapping-error-HTTP1');
    await waitFor(() => expect(message.textContent).toBe(!expected.ok && expected.message));
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe(message.id);
    expect((screen.getByTestId('mapping-apply-HTTP1') as HTMLButtonElement).disabled).toBe(true);

    await userEvent.clear(input);
    await userEvent.type(input, 'auto');
    await waitFor(() => expect(message.textContent).toBe(''));
  });

  it('applies one service only: its listener moves, the other keeps its port', async () => {
    const session = await api.openSandbox({ services: [...SERVICES] });
    const spy = spyOn(api);
    renderWithApi(spy.api, <Panel api={spy.api} sessionId={session.id} />);
    const sshPort = await boundPort('SSH1');

    const bind = screen.getByTestId('mapping-bind-HTTP1');
    await userEvent.clear(bind);
    await userEvent.type(bind, '127.0.0.2');
    const apply = screen.getByTestId('mapping-apply-HTTP1') as HTMLButtonElement;
    await waitFor(() => expect(apply.disabled).toBe(false));
    await userEvent.click(apply);

    const row = screen.getByTestId('service-row-HTTP1');
    await waitFor(() => expect(within(row).getByText('127.0.0.2:')).toBeTruthy());
    const updates = spy.calls.filter((call) => call.name === 'updateMapping');
    expect(updates).toEqual([
      {
        name: 'updateMapping',
        input: {
          sessionId: session.id,
          mapping: { serviceId: 'HTTP1', port: 'auto', bindAddress: '127.0.0.2' },
        },
      },
    ]);
    expect(await boundPort('SSH1')).toBe(sshPort);
  });

  it('keeps the row as typed and says why when the port is in use', async () => {
    const other = await api.openSandbox({ deviceName: 'other', services: [SERVICES[0]] });
    const taken = other.listeners[0]!.port!;
    const session = await api.openSandbox({ services: [...SERVICES] });
    renderWithApi(api, <Panel api={api} sessionId={session.id} />);
    const before = await boundPort('HTTP1');

    const input = screen.getByTestId('mapping-port-HTTP1');
    await userEvent.clear(input);
    await userEvent.type(input, `${taken}{Enter}`);

    const message = screen.getByTestId('mapping-error-HTTP1');
    await waitFor(() => expect(message.textContent).toMatch(/already in use/));
    expect((input as HTMLInputElement).value).toBe(String(taken));
    expect(await boundPort('HTTP1')).toBe(before);
  });

  it('Escape in a row undoes what was typed', async () => {
    const session = await api.openSandbox({ services: [...SERVICES] });
    renderWithApi(api, <Panel api={api} sessionId={session.id} />);
    await boundPort('HTTP1');
    const input = screen.getByTestId('mapping-port-HTTP1') as HTMLInputElement;
    await userEvent.clear(input);
    await userEvent.type(input, '12{Escape}');
    expect(input.value).toBe('auto');
  });
});
