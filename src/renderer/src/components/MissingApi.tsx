import { MISSING_API_MESSAGE } from '../lib/api';

/** Shown instead of the app when `window.api` is missing, so the clinician sees why nothing works. */
export function MissingApi() {
  return (
    <main className="app-main">
      <div className="alert" role="alert">
        <h1 className="alert-title">Cannot start</h1>
        <p>{MISSING_API_MESSAGE}</p>
      </div>
    </main>
  );
}
