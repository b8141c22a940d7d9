/**
 * The README shows the library's examples as they are in examples/ (which the library's
 * integration test runs): the text a reader copies is the code that was tested.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

describe("the README's library examples", () => {
  it.each(['examples/source-proxy.mjs', 'examples/test-service.test.mjs'])(
    'shows %s exactly',
    (path) => {
      const code = readFileSync(new URL(path, root), 'utf8');
      expect(readme).toContain(`(${path})`);
      expect(readme).toContain('```js\n' + code + '```');
    },
  );
});
