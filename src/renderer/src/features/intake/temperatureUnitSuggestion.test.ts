import { describe, expect, it } from 'vitest';
import { temperatureUnitSuggestion } from './temperatureUnitSuggestion';

describe('temperatureUnitSuggestion', () => {
  it('offers °F for a Fahrenheit fever typed with °C chosen, quoting the value in °C', () => {
    expect(temperatureUnitSuggestion({ temperature: '104.5', temperatureUnit: 'C' })).toEqual({
      unit: 'F',
      message: '104.5 °C is not possible — did you mean 104.5 °F (40.3 °C)?',
    });
  });

  it('offers °C for a Celsius value typed with °F chosen', () => {
    expect(temperatureUnitSuggestion({ temperature: '38,5', temperatureUnit: 'F' })).toEqual({
      unit: 'C',
      message: '38.5 °F is not possible — did you mean 38.5 °C (101.3 °F)?',
    });
  });

  it('says nothing when the value is possible in its unit, blank, unreadable, or impossible in both', () => {
    expect(temperatureUnitSuggestion({ temperature: '40.3', temperatureUnit: 'C' })).toBeNull();
    expect(temperatureUnitSuggestion({ temperature: '101.8', temperatureUnit: 'F' })).toBeNull();
    expect(temperatureUnitSuggestion({ temperature: '', temperatureUnit: 'C' })).toBeNull();
    expect(temperatureUnitSuggestion({ temperature: 'hot', temperatureUnit: 'C' })).toBeNull();
    expect(temperatureUnitSuggestion({ temperature: '300', temperatureUnit: 'C' })).toBeNull();
    expect(temperatureUnitSuggestion({ temperature: '5', temperatureUnit: 'F' })).toBeNull();
  });
});
