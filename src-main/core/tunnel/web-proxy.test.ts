import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WEB_PROXY_PORT,
  parseWebProxy,
  webProxyOfEnv,
  webProxyVariable,
  WebProxyError,
} from './web-proxy.js';

describe('parseWebProxy', () => {
  it('keeps a port the URL names, even the scheme default', () => {
    expect(parseWebProxy('http://proxy:8080', 'HTTPS_PROXY')).toMatchObject({
      port: 8080,
      portDefaulted: false,
    });
    expect(parseWebProxy('http://proxy:80', 'HTTPS_PROXY')).toMatchObject({
      url: 'http://proxy/',
      port: 80,
      portDefaulted: false,
    });
  });

  it('uses port 3128 when the URL names none, as the reference does', () => {
    expect(DEFAULT_WEB_PROXY_PORT).toBe(3128);
    expect(parseWebProxy('http://proxy', 'HTTPS_PROXY')).toMatchObject({
      url: 'http://proxy:3128/',
      port: 3128,
      portDefaulted: true,
    });
    expect(parseWebProxy('http://[::1]', 'HTTPS_PROXY')).toMatchObject({
      url: 'http://[::1]:3128/',
      portDefaulted: true,
    });
    expect(parseWebProxy('socks5://127.0.0.1', 'ALL_PROXY')).toMatchObject({
      scheme: 'socks5',
      port: 3128,
    });
  });

  it('shows the proxy without its credentials', () => {
    const proxy = parseWebProxy('http://user:secret@proxy:8080', 'HTTPS_PROXY');
    expect(proxy.url).toBe('http://user:secret@proxy:8080/');
    expect(proxy.shown).toBe('http://proxy:8080/');
  });

  it('reads a value without a scheme as proxy-from-env does (https://)', () => {
    expect(parseWebProxy('proxy.corp:3129', 'https_proxy')).toMatchObject({
      scheme: 'https',
      port: 3129,
    });
  });

  it.each(['http://[bad', '::::', 'ftp://proxy:21', 'http://'])(
    'refuses %s, naming the variable',
    (value) => {
      let error: unknown;
      try {
        parseWebProxy(value, 'HTTPS_PROXY');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(WebProxyError);
      expect((error as WebProxyError).variable).toBe('HTTPS_PROXY');
      expect((error as Error).message).toMatch(/^HTTPS_PROXY: /);
    },
  );

  it('never quotes credentials in an error', () => {
    expect(() => parseWebProxy('http://user:secret@[bad', 'HTTPS_PROXY')).toThrow(/^(?!.*secret)/);
  });
});

describe('webProxyVariable', () => {
  it('reads the variables in proxy-from-env order', () => {
    expect(webProxyVariable({ HTTPS_PROXY: 'a', ALL_PROXY: 'b' })).toEqual({
      name: 'HTTPS_PROXY',
      value: 'a',
    });
    expect(webProxyVariable({ https_proxy: 'c', HTTPS_PROXY: 'a' })?.name).toBe('https_proxy');
    expect(webProxyVariable({ ALL_PROXY: 'b' })?.name).toBe('ALL_PROXY');
    expect(webProxyVariable({ HTTP_PROXY: 'x' })).toBeUndefined();
    expect(webProxyOfEnv({})).toBeUndefined();
  });
});
