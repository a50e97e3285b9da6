import { useAppStore } from '../../stores/appStore';
import { AGE_UNITS, isAgeUnit, isTemperatureUnit, type TemperatureUnit } from './intakeForm';
import { PATIENT_FIELD_ATTRIBUTES } from './textFields';

const TEMPERATURE_UNIT_LABELS: Readonly<Record<TemperatureUnit, string>> = { C: '°C', F: '°F' };

/** The unit of the age ("Age unit"): the API gets years, converted from months or days. */
export function AgeUnitSelect() {
  const unit = useAppStore((s) => s.form.ageUnit);
  const setField = useAppStore((s) => s.setField);
  return (
    <>
      <label htmlFor="intake-ageUnit" className="visually-hidden">
        Age unit
      </label>
      <select
        id="intake-ageUnit"
        className="input select unit-select"
        value={unit}
        onChange={(event) => {
          if (isAgeUnit(event.target.value)) setField('ageUnit', event.target.value);
        }}
        {...PATIENT_FIELD_ATTRIBUTES}
      >
        {AGE_UNITS.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </>
  );
}

/** The unit of the temperature ("Temperature unit"): the API gets °C, converted from °F. */
export function TemperatureUnitSelect() {
  const unit = useAppStore((s) => s.form.temperatureUnit);
  const setField = useAppStore((s) => s.setField);
  return (
    <>
      <label htmlFor="intake-temperatureUnit" className="visually-hidden">
        Temperature unit
      </label>
      <select
        id="intake-temperatureUnit"
        className="input select unit-select"
        value={unit}
        onChange={(event) => {
          if (isTemperatureUnit(event.target.value)) setField('temperatureUnit', event.target.value);
        }}
        {...PATIENT_FIELD_ATTRIBUTES}
      >
        {Object.entries(TEMPERATURE_UNIT_LABELS).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </>
  );
}
