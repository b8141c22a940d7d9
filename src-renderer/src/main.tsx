/** Boots the renderer: picks the transport, builds the typed client, renders the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApi } from './bridge/select-bridge';
import { App } from './components/shell/App';
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

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={api} />
  </StrictMode>,
);
