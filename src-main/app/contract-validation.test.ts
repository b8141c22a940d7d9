/**
 * Every request of the IPC contract, walked field by field: a payload with one field of the
 * wrong type, one field missing, one field the contract does not have, or no object at all
 * is refused by main before any handler runs, and the error names the field. A request
 * added to the contract without a sample here fails the first test, so none is skipped.
 */
import { describe, expect, it } from 'vitest';
import { requests, type RequestHandlers, type RequestName } from '../ipc/contract.js';
import { dispatch } from './dispatch.js';

const mapping = { serviceId: 'SSH1', port: 2222, bindAddress: '127.0.0.1' };
const aws = { kind: 'aws', profile: 'default', region: 'eu-west-1' };

/** A valid input of every request, with every optional field given. */
const VALID: Record<RequestName, unknown> = {
  getAppInfo: undefined,
  listSessions: undefined,
  openSandbox: { deviceName: 'pi', services: [mapping] },
  connectWithToken: {
    name: 'x',
    accessToken: 'token',
    target: { kind: 'region', region: 'eu-west-1' },
    services: [mapping],
    peerVersion: 'V3',
    verifyTls: true,
    caPath: '/etc/ssl/private-ca',
  },
  checkCaPath: { path: '/etc/ssl/private-ca' },
  pickCaPath: { kind: 'folder' },
  closeSession: { sessionId: 's1' },
  forgetSession: { sessionId: 's1' },
  forgetClosedSessions: undefined,
  reconnectNow: { sessionId: 's1' },
  checkMapping: { serviceId: 'SSH1', port: '22', bindAddress: '127.0.0.1' },
  checkTarget: { kind: 'region', region: 'eu-west-1' },
  updateMapping: { sessionId: 's1', mapping },
  parseMappingFile: { fileName: 'a.ini', text: 'SSH1 = 22' },
  exportMappingFile: { sessionId: 's1' },
  openInBrowser: { sessionId: 's1', serviceId: 'HTTP1', scheme: 'http' },
  openSsh: { sessionId: 's1', serviceId: 'SSH1', user: 'pi' },
  getSshCommand: { sessionId: 's1', serviceId: 'SSH1', user: 'pi' },
  connections: { sessionId: 's1', offset: 0, limit: 50 },
  getHistory: { sessionId: 's1' },
  getLogs: undefined,
  getSettings: undefined,
  updateSettings: {
    theme: 'dark',
    sshUsers: { pi: 'pi' },
    browserSchemes: { 'pi/HTTP1': 'https' },
    tunnelDefaults: { byThing: {}, byThingType: {} },
  },
  listProfiles: undefined,
  getIdentity: { source: aws },
  listThings: {
    source: aws,
    namePrefix: 'p',
    thingType: 'T',
    attribute: { name: 'a', value: 'b' },
    nextToken: 'n',
    maxResults: 10,
  },
  describeThing: { source: aws, thingName: 'pump-1' },
  getSshConfig: { source: aws, thingName: 'pump-1' },
  getServiceDefaults: { thingName: 'pump-1', thingTypeName: 'T' },
  openTunnel: {
    source: { kind: 'sandbox' },
    thingName: 'pump-1',
    services: [mapping],
    description: 'd',
    tags: [{ key: 'k', value: 'v' }],
    maxLifetimeMinutes: 60,
    peerVersion: 'V1',
  },
  describeTunnel: { source: aws, tunnelId: 't1' },
  listTunnels: {
    source: aws,
    thingName: 'pump-1',
    includeClosed: true,
    nextToken: 'n',
    maxResults: 10,
  },
  closeTunnel: { source: aws, tunnelId: 't1', delete: true },
  rotateSourceToken: { sessionId: 's1' },
  listSavedTunnels: undefined,
  reconnectSavedTunnel: { tunnelId: 't1' },
  forgetSavedTunnel: { tunnelId: 't1' },
};

/** Handlers that must never run: every payload below is refused before them. */
const untouchable = new Proxy({} as RequestHandlers, {
  get: (_target, name) => () => {
    throw new Error(`the handler of ${String(name)} ran on a malformed payload`);
  },
});

const names = Object.keys(requests) as RequestName[];
const withInput = names.filter((name) => VALID[name] !== undefined);
const withoutInput = names.filter((name) => VALID[name] === undefined);

/** A value no field of the contract accepts (not a string, number, enum, array or known object). */
const WRONG = { wrong: true };

function cases(): [string, string, Record<string, unknown>, RegExp][] {
  const all: [string, string, Record<string, unknown>, RegExp][] = [];
  for (const name of withInput) {
    const valid = VALID[name] as Record<string, unknown>;
    for (const key of Object.keys(valid)) {
      all.push([name, `${key} of the wrong type`, { ...valid, [key]: WRONG }, fieldPattern(key)]);
      const optional = requests[name].input.safeParse({ ...valid, [key]: undefined }).success;
      if (!optional) {
        const missing = { ...valid };
        delete missing[key];
        all.push([name, `${key} missing`, missing, fieldPattern(key)]);
      }
    }
    all.push([name, 'a field it does not have', { ...valid, notAField: 1 }, /^notAField$/]);
  }
  return all;
}

/** The field itself, or a path inside it (`services[0].port`, `source.kind`). */
function fieldPattern(key: string): RegExp {
  return new RegExp(`^${key}([.[].*)?$`);
}

describe('every request of the contract, malformed', () => {
  it('has a valid sample here, and the sample is valid', () => {
    for (const name of names) {
      expect(name in VALID, `no sample for ${name}`).toBe(true);
      const parsed = requests[name].input.safeParse(VALID[name]);
      expect(parsed.success, `the sample of ${name}: ${JSON.stringify(parsed.error?.issues)}`).toBe(
        true,
      );
    }
  });

  it.each(cases())('%s with %s is refused, naming the field', async (name, _what, input, field) => {
    const reply = await dispatch(untouchable, requests[name as RequestName].channel, input);
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid-input');
    expect(reply.error.field).toMatch(field);
    expect(reply.error.message.startsWith(`${reply.error.field}: `)).toBe(true);
  });

  it.each(withInput)('%s with no object at all is refused, naming the input', async (name) => {
    for (const input of [42, 'text', null, [VALID[name]]]) {
      const reply = await dispatch(untouchable, requests[name].channel, input);
      expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-input', field: 'input' } });
    }
  });

  it.each(withoutInput)('%s, which takes no input, refuses one', async (name) => {
    const reply = await dispatch(untouchable, requests[name].channel, { sessionId: 's1' });
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'invalid-input',
        field: 'input',
        message: 'input: this request takes no input',
        command: null,
        action: null,
      },
    });
  });
});
