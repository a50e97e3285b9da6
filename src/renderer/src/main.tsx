/**
 * Entry point: mounts the app, or — when the page runs without the preload's `window.api` — a plain explanation
 * instead of a crash.
 */
// First: configures zod for the CSP before any schema parses.
import './lib/zodConfig';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { MissingApi } from './components/MissingApi';
import { startHistorySync } from './db/historySync';
import { apiAvailable } from './lib/api';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

// Before anything renders: no sealed record main delivers may arrive without a writer listening.
if (apiAvailable) startHistorySync();

createRoot(container).render(<StrictMode>{apiAvailable ? <App /> : <MissingApi />}</StrictMode>);
