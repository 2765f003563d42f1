// renderer: the Relay Lab UI, one React app for both hosts (the Electron window and a browser on
// `relaylab serve`). Inputs: the engine API through renderer/lib/api.ts (window.lab or HTTP with
// the session cookie) and the live trace through renderer/lib/events.ts. Outputs: what the user
// sees; queue actions go through the API. Trust: imports only types from the engine; shows what
// SMTP peers sent as text (React escapes it), never as HTML.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
