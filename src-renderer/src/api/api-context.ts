/** The typed client, handed down by context so tests can give components a real app. */
import { createContext, useContext } from 'react';
import type { TunnelDeskApi } from '../../../src-main/ipc/contract.js';

export const ApiContext = createContext<TunnelDeskApi | null>(null);

export function useApi(): TunnelDeskApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext value={api}>');
  return api;
}
