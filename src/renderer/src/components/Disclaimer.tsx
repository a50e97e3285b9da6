/**
 * The standing reminder that answers are suggestions: a slim line under the main column, outside its scroll area, so
 * it is on screen on every screen and at any scroll position without taking room from the conversation. Each answer
 * carries its own short reminder too (the conversation's turn view).
 */
export function Disclaimer() {
  return (
    <footer className="app-footer" data-testid="safety-notice">
      {"Suggestions for a clinician's judgement, not orders: check them against local protocols."}
    </footer>
  );
}
