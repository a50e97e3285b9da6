import { beforeEach, describe, expect, it } from 'vitest';
import { ok } from '../../../shared/errors';
import type { IntakeForm } from '../features/intake/intakeForm';
import { createAppStore, type AppStore } from './createAppStore';
import { createFakeApi, failure, protocolResponse, TURN_1, type FakeApi } from './testing/fakeApi';

let fake: FakeApi;
let store: AppStore;

beforeEach(() => {
  fake = createFakeApi();
  store = createAppStore(fake.api);
});

const state = () => store.getState();

function fill(values: Partial<IntakeForm>): void {
  for (const [field, value] of Object.entries(values) as [keyof IntakeForm, string][]) {
    state().setField(field, value as never);
  }
}

const BASIC = { age: '54', sex: 'female', chiefComplaint: 'Shortness of breath' } as const;

describe('submitIntake', () => {
  it('sends the converted patient, leaving blank fields out', async () => {
    fill({ ...BASIC, ageUnit: 'years', temperature: '100.4', temperatureUnit: 'F', allergies: '  ', pregnancy: '' });
    void state().submitIntake();
    expect(fake.generateCalls).toHaveLength(1);
    expect(fake.generateCalls[0]!.input).toEqual({
      patient: { age: 54, sex: 'female', chiefComplaint: 'Shortness of breath', vitals: { temperatureC: 38 } },
    });
  });

  it('names the field when a number field holds text, and sends nothing', async () => {
    fill({ ...BASIC, heartRate: '9o' });
    await state().submitIntake();
    expect(state().fieldErrors).toEqual({ heartRate: 'Heart rate must be a number' });
    expect(fake.generateCalls).toEqual([]);
    expect(state().view).toBe('intake');
  });

  it('shows the schema’s message next to an impossible value, and sends nothing', async () => {
    fill({ ...BASIC, spo2: '120' });
    await state().submitIntake();
    expect(state().fieldErrors.spo2).toBe('SpO2 cannot be above 100 %');
    expect(fake.generateCalls).toEqual([]);
  });

  it('drops a field’s error when the field is edited', async () => {
    fill({ ...BASIC, spo2: '120' });
    await state().submitIntake();
    state().setField('spo2', '98');
    expect(state().fieldErrors.spo2).toBeUndefined();
  });

  it('waits for confirmation of implausible values, then sends', async () => {
    fill({ ...BASIC, heartRate: '250' });
    await state().submitIntake();
    expect(state().warnings.map((w) => w.field)).toEqual(['vitals.heartRate']);
    expect(fake.generateCalls).toEqual([]);

    state().setWarningsConfirmed(true);
    void state().submitIntake();
    expect(fake.generateCalls).toHaveLength(1);
  });

  it('keeps every problem of one send at once: errors and values to confirm, each on its field', async () => {
    fill({ ...BASIC, heartRate: '900', systolicBp: 'abc', respiratoryRate: '70' });
    await state().submitIntake();
    expect(state().fieldErrors).toEqual({ heartRate: 'Heart rate cannot be above 350 beats/min', systolicBp: 'Systolic blood pressure must be a number' });
    expect(state().warnings.map((w) => w.field)).toEqual(['vitals.respiratoryRate']);
    expect(fake.generateCalls).toEqual([]);
  });

  it('drops a value to confirm when its field, or the age it was judged for, is edited', async () => {
    fill({ ...BASIC, heartRate: '250', respiratoryRate: '70' });
    await state().submitIntake();
    state().setField('heartRate', '90');
    expect(state().warnings.map((w) => w.field)).toEqual(['vitals.respiratoryRate']);
    state().setField('ageUnit', 'months');
    expect(state().warnings).toEqual([]);
  });

  it('sends a value merely outside the usual range for the age without asking', async () => {
    fill({ age: '3', sex: 'female', chiefComplaint: 'Fever', heartRate: '185', respiratoryRate: '48', spo2: '88', temperature: '40.3' });
    void state().submitIntake();
    expect(state().warnings).toEqual([]);
    expect(fake.generateCalls).toHaveLength(1);
  });

  it('switching the temperature unit clears the suggestion to switch it, keeping the typed number', async () => {
    fill({ ...BASIC, temperature: '104.5' });
    await state().submitIntake();
    expect(state().fieldErrors.temperature).toBe('104.5 °C is not possible — did you mean 104.5 °F (40.3 °C)?');
    state().setField('temperatureUnit', 'F');
    expect(state().fieldErrors.temperature).toBeUndefined();
    expect(state().form.temperature).toBe('104.5');
  });

  it('asks again when a flagged value changes after confirming', async () => {
    fill({ ...BASIC, heartRate: '250' });
    await state().submitIntake();
    state().setWarningsConfirmed(true);
    state().setField('heartRate', '260');
    await state().submitIntake();
    expect(state().warningsConfirmed).toBe(false);
    expect(fake.generateCalls).toEqual([]);
  });

  it('shows main’s INVALID_INPUT message and keeps the form', async () => {
    fill(BASIC);
    const done = state().submitIntake();
    fake.generateCalls[0]!.resolve(failure('INVALID_INPUT', 'patient.age: Age cannot be below 0 years'));
    await done;
    expect(state().intakeError?.message).toBe('patient.age: Age cannot be below 0 years');
    expect(state().form).toMatchObject(BASIC);
    expect(state().view).toBe('intake');
  });

  it('clears the previous error when sending again', async () => {
    fill(BASIC);
    const first = state().submitIntake();
    fake.generateCalls[0]!.resolve(failure('LLM_UNAVAILABLE', 'down'));
    await first;
    const second = state().submitIntake();
    expect(state().intakeError).toBeNull();
    fake.generateCalls[1]!.resolve(ok(protocolResponse({ seq: 1, turnId: TURN_1 })));
    await second;
    expect(state().turnCount).toBe(1);
  });
});
