/**
 * Puts Node's own typed arrays and ArrayBuffer back on the global object, for tests that run
 * the real app in-process.
 *
 * Why: vitest's jsdom environment replaces the global Uint8Array, ArrayBuffer and friends
 * with jsdom's, which come from another JS realm. Main's code then builds byte arrays that
 * Node's own APIs refuse (WebCrypto's sign(), used by the sandbox's self-signed certificate,
 * says "3rd argument is not instance of ArrayBuffer"). The renderer under test does not care
 * which realm its byte arrays come from; Node does.
 *
 * The constructors are found through objects only Node makes: Buffer extends Node's
 * Uint8Array, and Node's structuredClone copies into Node's realm.
 */
const NAMES = [
  'Uint8Array',
  'Uint16Array',
  'Uint32Array',
  'Uint8ClampedArray',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'ArrayBuffer',
] as const;

function nodeConstructor(name: (typeof NAMES)[number]): unknown {
  if (name === 'Uint8Array') return Object.getPrototypeOf(Buffer.prototype).constructor;
  if (name === 'ArrayBuffer') return Buffer.alloc(1).buffer.constructor;
  // structuredClone is Node's (jsdom has none), so the copy is made in Node's realm.
  return structuredClone(new globalThis[name](1)).constructor;
}

for (const name of NAMES) {
  Object.defineProperty(globalThis, name, {
    configurable: true,
    writable: true,
    value: nodeConstructor(name),
  });
}
