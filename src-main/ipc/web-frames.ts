/**
 * Browser mode's WebSocket frames, as main checks them. The page (src-renderer's
 * web-bridge.ts) takes only their types: it loads no zod (see bridge.ts).
 */
import { z } from 'zod';
import { Reply } from './contract.js';

export { WEB_IPC_PATH } from './web-ipc-path.js';

export const WebRequestFrame = z.strictObject({
  kind: z.literal('request'),
  id: z.number().int().nonnegative(),
  channel: z.string().max(100),
  input: z.unknown().optional(),
});
export type WebRequestFrame = z.infer<typeof WebRequestFrame>;

export const WebServerFrame = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('reply'), id: z.number(), reply: Reply }),
  z.strictObject({ kind: z.literal('event'), channel: z.string(), payload: z.unknown() }),
]);
export type WebServerFrame = z.infer<typeof WebServerFrame>;
