import { useMemo } from 'react';
import { patientSummaryLines, patientSummaryParts, type SummaryLine } from '../../../../shared/patientSummary';
import { useAppStore } from '../../stores/appStore';

/** One line; a vital outside the usual range for the age is highlighted, and its words say high or low. */
function SummaryLineView({ line }: { line: SummaryLine }) {
  return (
    <p>
      {line.map((part, index) =>
        part.mark === undefined ? (
          part.text
        ) : (
          <mark key={index} className="vital-flag">
            {part.text} <strong>({part.mark})</strong>
          </mark>
        ),
      )}
    </p>
  );
}

/**
 * The pinned patient summary of the open session: the same lines the model sees at the top of its prompt, so screen
 * and prompt agree on the patient — marks for unusual vitals included.
 */
export function PatientSummary() {
  const sessionId = useAppStore((s) => s.sessionId);
  const patient = useAppStore((s) => s.sessionPatient);
  const summary = useMemo(() => {
    if (!patient) return [];
    const texts = patientSummaryLines(patient);
    return patientSummaryParts(patient).map((line, index) => ({ key: texts[index] ?? String(index), line }));
  }, [patient]);
  return (
    <section className="patient-summary" aria-label="Patient summary">
      {patient === null && sessionId !== null ? (
        <p className="muted">The patient summary could not be opened.</p>
      ) : (
        summary.map(({ key, line }) => <SummaryLineView key={key} line={line} />)
      )}
    </section>
  );
}
