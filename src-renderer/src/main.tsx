/** Boots the renderer: picks the transport, builds the typed client, renders the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApi } from './bridge/select-bridge';
import { AppWithStores } from './components/shell/App';
import { connectStores } from './hooks/use-push-events';
import { useConnectionStore } from './stores/connection-store';
import './styles/tokens.css';
import './styles/base.css';
import './styles/controls.css';
import './styles/shell.css';
import './styles/tunnels.css';
import './styles/services.css';
import './styles/live.css';
import './styles/logs.css';
import './styles/dialog.css';
import './styles/devices.css';

const api = connectApi((status) => useConnectionStore.getState().setTransport(status));
// Ask for the first state now rather than after React's first commit (where App's effect
// would): the WebSocket's handshake and main's answers travel while React renders.
connectStores(api);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppWithStores api={api} />
  </StrictMode>,
);
