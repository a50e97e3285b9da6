/** The standing reminder that answers are suggestions; always on screen, deliberately quiet. */
export function Disclaimer() {
  return <footer className="app-footer">{"Suggestions for a clinician's judgement, not orders."}</footer>;
}
