import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../../../test/fakes/estimateTokens';
import { BytesPerTokenEstimator, DEFAULT_BYTES_PER_TOKEN, MIN_BYTES_PER_TOKEN } from './bytesEstimate';
import { MESSAGE_OVERHEAD_TOKENS } from './tokenCounter';

const MODEL = 'fake-clinical-model';

describe('BytesPerTokenEstimator', () => {
  it('rounds UTF-8 bytes up to tokens at the default ratio', async () => {
    const estimator = new BytesPerTokenEstimator();
    expect(estimator.bytesPerToken(MODEL)).toBe(DEFAULT_BYTES_PER_TOKEN);
    expect(estimator.estimate(MODEL, '')).toBe(0);
    expect(estimator.estimate(MODEL, 'fever')).toBe(2);
    expect(estimator.estimate(MODEL, 'T 38.4 °C')).toBe(Math.ceil(10 / 3));
    expect(await estimator.count(MODEL, 'fever')).toBe(2);
  });

  it('over-counts relative to the test server, for texts and for whole prompts', () => {
    const estimator = new BytesPerTokenEstimator();
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 400 }), { maxLength: 8 }), (texts) => {
        for (const text of texts) expect(estimator.estimate(MODEL, text)).toBeGreaterThanOrEqual(estimateTokens(text));
        const messages = texts.map((content) => ({ role: 'user', content }));
        const ours = texts.reduce((sum, text) => sum + estimator.estimate(MODEL, text) + MESSAGE_OVERHEAD_TOKENS, 0);
        expect(ours).toBeGreaterThanOrEqual(estimateTokens(messages));
      }),
    );
  });

  it('grows a model’s estimates by the factor the server’s usage exceeds them, and only that model’s', () => {
    // A ratio too optimistic for the server: it under-counts until corrected.
    const estimator = new BytesPerTokenEstimator({ defaultBytesPerToken: 8 });
    const prompt = [
      { role: 'system', content: 'You are a clinical protocol assistant supporting a licensed clinician. '.repeat(12) },
      { role: 'user', content: 'Chest X-ray shows bilateral infiltrates; SpO2 88 % on room air. What next?' },
    ];
    const overhead = prompt.length * MESSAGE_OVERHEAD_TOKENS;
    const estimate = (): number => prompt.reduce((sum, message) => sum + estimator.estimate(MODEL, message.content), overhead);
    const estimated = estimate();
    // What the server's usage.prompt_tokens reports for this prompt.
    const actual = estimateTokens(prompt);
    expect(estimated).toBeLessThan(actual);

    estimator.observe(MODEL, estimated, actual, overhead);
    expect(estimator.bytesPerToken(MODEL)).toBeCloseTo((8 * (estimated - overhead)) / (actual - overhead));
    // The same prompt is now estimated at the server's count, less at most the rounding of each message's
    // first estimate (a ceil per message, which the correction cannot see).
    expect(estimate()).toBeGreaterThanOrEqual(actual - prompt.length);
    expect(estimate()).toBeGreaterThan(estimated);
    expect(estimator.bytesPerToken('another-model')).toBe(8);
  });

  it('never shrinks its estimates, and ignores meaningless observations', () => {
    const estimator = new BytesPerTokenEstimator();
    estimator.observe(MODEL, 100, 40);
    estimator.observe(MODEL, 0, 40);
    estimator.observe(MODEL, 100, Number.NaN);
    estimator.observe(MODEL, 100, Number.POSITIVE_INFINITY);
    estimator.observe(MODEL, 100, 150, 100);
    expect(estimator.bytesPerToken(MODEL)).toBe(DEFAULT_BYTES_PER_TOKEN);

    estimator.observe(MODEL, 100, 150);
    expect(estimator.bytesPerToken(MODEL)).toBe(2);
    estimator.observe(MODEL, 100, 90);
    expect(estimator.bytesPerToken(MODEL)).toBe(2);
    // With 20 tokens of template overhead, 80 estimated text tokens were really 100.
    estimator.observe(MODEL, 100, 120, 20);
    expect(estimator.bytesPerToken(MODEL)).toBe(1.6);
    estimator.observe(MODEL, 1, 1_000);
    expect(estimator.bytesPerToken(MODEL)).toBe(MIN_BYTES_PER_TOKEN);
  });

  it('refuses a ratio below one byte per token', () => {
    expect(() => new BytesPerTokenEstimator({ defaultBytesPerToken: 0.5 })).toThrow(RangeError);
  });
});
