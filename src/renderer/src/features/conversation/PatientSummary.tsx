import { useMemo } from 'react';
import { patientSummaryLines } from '../../../../shared/patientSummary';
import { useAppStore } from '../../stores/appStore';

/**
 * The pinned patient summary of the open session: the same lines the model sees at the top of its prompt, so screen
 * and prompt agree on the patient.
 */
export function PatientSummary() {
  const sessionId = useAppStore((s) => s.sessionId);
  const patient = useAppStore((s) => s.sessionPatient);
  const summary = useMemo(() => (patient ? patientSummaryLines(patient) : []), [patient]);
  return (
    <section className="patient-summary" aria-label="Patient summary">
      {patient === null && sessionId !== null ? <p className="muted">The patient summary could not be opened.</p> : summary.map((line) => <p key={line}>{line}</p>)}
    </section>
  );
}
