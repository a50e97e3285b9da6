import { describe, expect, it } from 'vitest';
import { clinicianQuestionText, INTAKE_REQUEST_TEXT } from './turnWording';

describe('clinicianQuestionText', () => {
  it('words turn 1 as the intake request, whatever was recorded for the model, and later turns as written', () => {
    expect(clinicianQuestionText({ seq: 1, message: 'Suggest an initial clinical protocol for this patient.' })).toBe(INTAKE_REQUEST_TEXT);
    expect(INTAKE_REQUEST_TEXT).toBe('Protocol requested for the patient above.');
    expect(clinicianQuestionText({ seq: 2, message: 'SpO2 88%' })).toBe('SpO2 88%');
  });
});
