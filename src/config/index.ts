/** The environment-file loader: parse -> schema -> semantic checks -> defaults. */
export { loadEnvironmentFile, loadEnvironmentFromObject, loadEnvironmentFromText, INLINE_FILE } from './load.ts';
export { parseTemplate, renderTemplate, escapeTemplateText, type TemplatePart } from './template.ts';
export { KNOWN_REFERENCES, REFERENCE_TABLE, isKnownReference, referenceProblem, presentSections } from './references.ts';
export { parseDurationMs, parseBytes, tryParseDurationMs, tryParseBytes } from './units.ts';
export { ENVIRONMENT_SCHEMA, SECTIONS } from './schema.ts';
export { environmentJsonSchemaText } from './json-schema.ts';
export { parseEnvFile } from './env-file.ts';
export { ConfigError, formatDiagnostic, type Diagnostic } from './diagnostics.ts';
export { summariseEnvironment, summaryFacts } from './summary.ts';
export type * from './types.ts';
