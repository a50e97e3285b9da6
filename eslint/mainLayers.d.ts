/** Types of eslint/mainLayers.js (the lint rule's data, read by test/security/mainLayers.test.ts). */
import type { Rule } from 'eslint';

export declare const MAIN_LAYERS: Readonly<Record<string, readonly string[]>>;
export declare function findLayerCycle(layers?: Readonly<Record<string, readonly string[]>>): string[] | null;
export declare const mainLayersRule: Rule.RuleModule;
