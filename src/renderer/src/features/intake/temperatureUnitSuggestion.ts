/**
 * A temperature typed in the wrong unit: 104.5 with °C chosen is impossible, but 104.5 °F is a high fever. When the
 * typed number is impossible in the chosen unit and ordinary in the other, the form says so and offers to switch
 * the unit, keeping the number as typed.
 */
import { Vitals } from '../../../../shared/patient';
import { typoLimits } from '../../../../shared/plausibility';
import { celsiusToFahrenheit } from '../../../../shared/vitalRanges';
import { fahrenheitToCelsius, parseNumberText } from './conversions';
import type { IntakeForm, TemperatureUnit } from './intakeForm';

/** The other unit to try, and the message that proposes it. */
export interface TemperatureUnitSuggestion {
  unit: TemperatureUnit;
  message: string;
}

/** True when `celsius` is a temperature a patient could have without it looking like a typo. */
function ordinary(celsius: number): boolean {
  const limits = typoLimits('temperatureC', undefined);
  return celsius >= limits.low && celsius <= limits.high;
}

/** True when the schema refuses `celsius` as impossible. */
function impossible(celsius: number): boolean {
  return !Vitals.safeParse({ temperatureC: celsius }).success;
}

/** The suggestion for the form's temperature, or null when the typed value makes sense in its unit (or is blank). */
export function temperatureUnitSuggestion(form: Pick<IntakeForm, 'temperature' | 'temperatureUnit'>): TemperatureUnitSuggestion | null {
  const parsed = parseNumberText(form.temperature);
  if (parsed.kind !== 'number') return null;
  const typed = parsed.value;
  if (form.temperatureUnit === 'C') {
    const asCelsius = fahrenheitToCelsius(typed);
    if (!impossible(typed) || !ordinary(asCelsius)) return null;
    return { unit: 'F', message: `${typed} °C is not possible — did you mean ${typed} °F (${asCelsius.toFixed(1)} °C)?` };
  }
  if (!impossible(fahrenheitToCelsius(typed)) || !ordinary(typed)) return null;
  return { unit: 'C', message: `${typed} °F is not possible — did you mean ${typed} °C (${celsiusToFahrenheit(typed).toFixed(1)} °F)?` };
}
