/**
 * Imported first by the contract, before any schema is built. Under a page (the renderer,
 * Electron's preload) the Content-Security-Policy forbids eval, and zod, unless told so,
 * finds out by trying `new Function` while it builds the contract's object schemas: a CSP
 * violation report on every page load. There it is told, and parses without generated code;
 * Node (main, the CLI) keeps zod's generated parsers.
 */
import { config } from 'zod';

if ('document' in globalThis) config({ jitless: true });
